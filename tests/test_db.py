"""The data layer: SQLite settings, sessions per request, sealed columns, encryption at rest."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from tracker.db import get_session, make_engine
from tracker.models import Message, Person, Report
from tracker.models.types import KeyringUnavailable

from .factories import make_person, make_report

NAME = "Canary Abdukerim Qasimjan"
NATIVE = "قاسىمجان ئابدۇكېرىم"
NARRATIVE = "Zebra-canary narrative: state security visited my mother in Hotan."


def test_sqlite_connections_are_configured_for_safety(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 30000
        assert pragma("secure_delete") == 1
        assert pragma("synchronous") == 2  # FULL


def test_postgresql_connections_neither_compile_nor_start_workers(session):
    # Both cost more to start than the app's index reads take (tracker.db._configure_postgresql),
    # and they must survive the pool's rollback when a connection is returned and taken again.
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    for _ in range(2):
        assert session.execute(text("SHOW jit")).scalar() == "off"
        assert session.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"
        session.rollback()
        session.close()


def test_one_session_per_request_closed_on_teardown(app):
    with app.test_request_context("/"):
        first = get_session()
        assert get_session() is first
    with app.test_request_context("/"):
        assert get_session() is not first


def test_sealed_fields_read_back_as_written(session):
    person = make_person(session, names=[{"name": NAME, "script": "Latn"}, {"name": NATIVE, "script": "Arab"}])
    session.expire_all()
    assert session.get(Person, person.id).names[1]["name"] == NATIVE


def test_no_known_name_or_narrative_reaches_the_database_in_clear(app, session, tmp_path):
    """Scan the raw SQLite file (and its WAL) for the plaintext written through the app."""
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("file scan is for the embedded SQLite database; sealing is engine-independent")
    make_person(session, names=[{"name": NAME, "script": "Latn"}, {"name": NATIVE, "script": "Arab"}])
    report = make_report(session, narrative=NARRATIVE, reporter_name=NAME, place_text="Hotan")
    session.add(Message(report_id=report.id, direction="from_reporter", body=NARRATIVE))
    session.commit()
    session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("tracker.sqlite3*"))
    for secret in (NAME, NATIVE, NARRATIVE, "Zebra-canary"):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in raw


def test_sealed_values_are_stored_as_ciphertext_on_postgresql_too(session):
    make_report(session, narrative=NARRATIVE)
    stored = session.execute(text("SELECT narrative FROM report")).scalar_one()
    assert NARRATIVE.encode() not in bytes(stored)


def test_an_engine_without_keyring_fails_closed(app, tmp_path):
    from sqlmodel import Session, SQLModel

    engine = make_engine(f"sqlite:///{tmp_path / 'nokeys.sqlite3'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as bare:
        bare.add(Report(narrative="should never be stored in clear"))
        with pytest.raises(Exception) as excinfo:
            bare.commit()
    assert isinstance(excinfo.value.__cause__ or excinfo.value, KeyringUnavailable) or "keyring" in str(excinfo.value)


def test_report_codes_and_relationships_load(session):
    report = make_report(session, tactics=("spyware", "digital_threat"))
    session.expire_all()
    loaded = session.exec(select(Report).where(Report.id == report.id)).one()
    assert loaded.codes_of("tactic") == ["digital_threat", "spyware"]
