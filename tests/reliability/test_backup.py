"""`flask backup`: encrypted, consistent online backups that restore every table and file."""
from __future__ import annotations

import errno
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import make_test_app
from tests.factories import add_status, make_case, make_person, make_relative, make_report
from tracker.config import generate_keys
from tracker.crypto import get_sealer
from tracker.key_check import keyring_of, verify_keyring
from tracker.maintenance import sqlite_image
from tracker.maintenance.sealed_stream import EncryptingWriter
from tracker.models import Report, ReportCode

from .helpers import add_evidence_file, second_database, table_rows

CANARY_PSEUDONYM = "P-BACKUP-CANARY-7731"


def _populate(app, session, tmp_path: Path) -> None:
    person = make_person(session, pseudonym=CANARY_PSEUDONYM, names=[{"name": "Canary Name", "script": "Latn"}])
    relative, _link = make_relative(session, person)
    add_status(session, relative, "detained_administrative", date(2021, 4, 2))
    report = make_report(session, narrative="They called my mother twice.")
    make_case(session, title="Family case")
    add_evidence_file(session, tmp_path / "evidence", get_sealer(), report_id=report.id, content=b"photo bytes")


def _restore_into(tmp_path: Path, url: str, backup: Path, **config):
    fresh = make_test_app(tmp_path / "fresh", url, EVIDENCE_FOLDER=str(tmp_path / "fresh-evidence"), **config)
    # Pushed explicitly: the test's own app context (the session fixture) must not be reused.
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(args=["backup", "restore", str(backup), "--yes"])
    return fresh, result


def test_a_backup_restores_every_table_and_evidence_file(app, session, runner, tmp_path, postgres_database):
    _populate(app, session, tmp_path)
    backup = tmp_path / "tracker.backup"
    result = runner.invoke(args=["backup", "create", str(backup)])
    assert result.exit_code == 0, result.output
    with second_database(tmp_path, postgres_database) as url:
        fresh, restored = _restore_into(tmp_path, url, backup)
        assert restored.exit_code == 0, restored.output
        expected = table_rows(app.extensions["tracker.engine"])
        assert table_rows(fresh.extensions["tracker.engine"]) == expected
        assert sum(len(rows) for rows in expected.values()) >= 8
        fresh.extensions["tracker.engine"].dispose()
    original = sorted(p.name for p in (tmp_path / "evidence").iterdir())
    assert sorted(p.name for p in (tmp_path / "fresh-evidence").iterdir()) == original
    first = original[0]
    assert (tmp_path / "fresh-evidence" / first).read_bytes() == (tmp_path / "evidence" / first).read_bytes()


def test_the_backup_file_is_encrypted_and_no_plaintext_is_left_behind(app, session, runner, tmp_path):
    _populate(app, session, tmp_path)
    backup = tmp_path / "out" / "tracker.backup"
    backup.parent.mkdir()
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    # The pseudonym is stored in the clear in the database; in the backup it must not be.
    assert CANARY_PSEUDONYM.encode() in _database_bytes(app)
    assert CANARY_PSEUDONYM.encode() not in backup.read_bytes()
    assert sorted(p.name for p in backup.parent.iterdir()) == ["tracker.backup"]


def _database_bytes(app) -> bytes:
    """The SQLite file and WAL, or for PostgreSQL a plain dump (the control for the check above)."""
    url = app.extensions["tracker.engine"].url
    if url.get_backend_name() != "sqlite":
        with app.extensions["tracker.engine"].connect() as connection:
            return repr(connection.exec_driver_sql("SELECT pseudonym FROM person").all()).encode()
    path = Path(url.database)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "other keys"])
def test_a_damaged_backup_or_the_wrong_key_restores_nothing(app, session, runner, tmp_path, postgres_database, damage):
    _populate(app, session, tmp_path)
    backup = tmp_path / "tracker.backup"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    data = bytearray(backup.read_bytes())
    config = {}
    if damage == "flip a byte":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) - 40]
    else:
        config = generate_keys()
    backup.write_bytes(bytes(data))
    with second_database(tmp_path, postgres_database) as url:
        fresh, restored = _restore_into(tmp_path, url, backup, **config)
        assert restored.exit_code != 0
        assert "Error" in restored.output and "Traceback" not in restored.output
        fresh.extensions["tracker.engine"].dispose()


def test_a_backup_taken_while_reports_are_written_is_a_consistent_snapshot(
        app, session, runner, tmp_path, postgres_database):
    engine = app.extensions["tracker.engine"]
    for n in range(20):
        make_report(session, narrative=f"before {n}", tactics=("surveillance_monitoring", "digital_threat"))
    stop = threading.Event()
    written = []

    def keep_writing() -> None:
        with app.app_context():
            from sqlmodel import Session
            with Session(engine) as own:
                while not stop.is_set():
                    report = Report(narrative=f"during {len(written)}", community="tibetan")
                    report.codes = [ReportCode(vocabulary="tactic", code="spyware"),
                                    ReportCode(vocabulary="channel", code="email")]
                    own.add(report)
                    own.commit()
                    written.append(report.id)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 5:
            threading.Event().wait(0.01)
        result = runner.invoke(args=["backup", "create", str(tmp_path / "live.backup")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    source = table_rows(engine)
    with second_database(tmp_path, postgres_database) as url:
        fresh, restored = _restore_into(tmp_path, url, tmp_path / "live.backup")
        assert restored.exit_code == 0, restored.output
        copy = table_rows(fresh.extensions["tracker.engine"])
        fresh.extensions["tracker.engine"].dispose()
    # Every restored row exists as it was; at least what came before the backup is there.
    for name, rows in copy.items():
        assert {repr(r) for r in rows} <= {repr(r) for r in source[name]}, name
    assert len(copy["report"]) >= 25
    # No report is restored without the codes written in the same transaction.
    report_ids = {row[0] for row in copy["report"]}
    coded = {row[0] for row in copy["report_code"]}
    assert report_ids == coded



def _beside_database(app) -> list[str]:
    """Names next to the SQLite database other than the database and its live side files."""
    path = Path(app.extensions["tracker.engine"].url.database)
    live = {path.name, path.name + "-wal", path.name + "-shm"}
    return sorted(p.name for p in path.parent.iterdir() if p.is_file() and p.name not in live)


def test_sqlite_copies_go_through_a_temporary_file_beside_the_database_that_is_erased(
        app, session, runner, tmp_path, monkeypatch, postgres_database):
    if postgres_database:
        pytest.skip("PostgreSQL is streamed from pg_dump; there is no copy of the database file")
    _populate(app, session, tmp_path)
    before = _beside_database(app)
    seen = []
    real_temporary = sqlite_image.temporary_beside

    @contextmanager
    def recorded_temporary(database: str):
        with real_temporary(database) as path:
            seen.append(path)
            yield path

    monkeypatch.setattr(sqlite_image, "temporary_beside", recorded_temporary)
    backup = tmp_path / "media" / "tracker.backup"
    backup.parent.mkdir()
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    database = Path(app.extensions["tracker.engine"].url.database)
    assert seen[0].parent == database.parent and seen[0].name.startswith(".backup-")
    assert _beside_database(app) == before and sorted(p.name for p in backup.parent.iterdir()) == ["tracker.backup"]
    with second_database(tmp_path, None) as url:
        fresh, restored = _restore_into(tmp_path, url, backup)
        assert restored.exit_code == 0, restored.output
        assert list(tmp_path.rglob(".backup-*")) == []  # the restore's temporary copy is gone too
        fresh.extensions["tracker.engine"].dispose()


def test_a_backup_that_fails_half_way_leaves_nothing_behind(app, session, runner, tmp_path, monkeypatch):
    _populate(app, session, tmp_path)
    before = _beside_database(app) if app.extensions["tracker.engine"].url.get_backend_name() == "sqlite" else []

    def destination_full(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(EncryptingWriter, "write", destination_full)
    backup = tmp_path / "media" / "tracker.backup"
    backup.parent.mkdir()
    result = runner.invoke(args=["backup", "create", str(backup)])
    assert result.exit_code != 0 and "No space left" in result.output and "Traceback" not in result.output
    assert list(backup.parent.iterdir()) == []
    if app.extensions["tracker.engine"].url.get_backend_name() == "sqlite":
        assert _beside_database(app) == before


def test_a_restore_says_when_the_keyring_cannot_write_to_the_restored_database(
        app, session, runner, tmp_path, postgres_database):
    _populate(app, session, tmp_path)
    older = generate_keys()["DATA_KEYS"]  # a key the database knows (rotated away from, not retired)
    ring = {**app.config["DATA_KEYS"], **older}
    verify_keyring(app.extensions["tracker.engine"], keyring_of({"DATA_KEYS": ring}))
    backup = tmp_path / "tracker.backup"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    with second_database(tmp_path, postgres_database) as url:
        fresh, refused = _restore_into(tmp_path, url, backup)  # the ring lacks the older key
        fresh.extensions["tracker.engine"].dispose()
        fresh, restored = _restore_into(tmp_path, url, backup, DATA_KEYS=ring)
        fresh.extensions["tracker.engine"].dispose()
    assert refused.exit_code != 0 and "Put the keys.json of the backup's time in place" in refused.output
    assert "Restored the backup" in refused.output  # the data is back; only the ring is wrong
    assert restored.exit_code == 0, restored.output
