"""Shared helpers for the reliability tests: second databases, table snapshots, evidence files."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from tracker.models import Evidence


@contextmanager
def second_database(tmp_path: Path, postgres_url: str | None) -> Iterator[str]:
    """The URL of another, empty database on the same engine (for restores), dropped afterwards."""
    if postgres_url is None:
        yield f"sqlite:///{tmp_path / 'second.sqlite3'}"
        return
    name = f"tracker_second_{secrets.token_hex(4)}"
    admin = create_engine(make_url(postgres_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def table_rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table, sealed columns opened, in a stable order."""
    with engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }


def add_evidence_file(session, folder: Path, sealer, *, report_id=None, case_id=None,
                      content: bytes = b"evidence", name: str | None = None) -> Evidence:
    """A sealed evidence file on disk and its row, the way intake stores one."""
    import hashlib

    name = name or secrets.token_hex(16)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(sealer.seal_bytes("evidence.file", content))
    evidence = Evidence(report_id=report_id, case_id=case_id, sha256=hashlib.sha256(content).hexdigest(),
                        mime_type="text/plain", size=len(content), stored_name=name)
    session.add(evidence)
    session.commit()
    return evidence
