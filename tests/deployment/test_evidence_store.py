"""The evidence store interface, on both stores (folder and database), on the suite's engine."""
from __future__ import annotations

import io
import secrets
from pathlib import Path

import pytest
from sqlmodel import select

from tests.factories import make_report
from tests.intake.helpers import receipt_of, send_report
from tracker.crypto import get_sealer
from tracker.evidence_store import PART_SIZE, DatabaseStore, FolderStore, MissingEvidence, current_store
from tracker.intake.evidence import read_evidence
from tracker.models import Evidence, EvidenceBlob


@pytest.fixture(params=["folder", "database"])
def app_config(request) -> dict:
    return {"EVIDENCE_STORE": request.param}


def test_the_setting_selects_the_store_and_an_unknown_one_stops_the_app(app, session, tmp_path):
    from tests.conftest import make_test_app
    from tracker.config import ConfigurationError

    expected = FolderStore if app.config["EVIDENCE_STORE"] == "folder" else DatabaseStore
    assert type(current_store()) is expected
    with pytest.raises(ConfigurationError, match="EVIDENCE_STORE"):
        make_test_app(tmp_path / "other", app.config["DATABASE_URL"], EVIDENCE_STORE="s3")


def test_a_file_larger_than_a_part_round_trips_and_is_erased(app, session):
    store = current_store()
    sealed = secrets.token_bytes(2 * PART_SIZE + 17)
    name = store.put(sealed)
    session.commit()
    assert store.get(name) == sealed and store.head(name) == sealed[:64]
    assert name in set(store.names())
    if store.in_database:
        assert len(session.exec(select(EvidenceBlob.part).where(EvidenceBlob.name == name)).all()) == 3
    store.replace(name, b"smaller")
    assert store.get(name) == b"smaller"
    assert store.erase([name]) == 1 and store.erase([name]) == 0
    with pytest.raises(MissingEvidence):
        store.get(name)


def test_a_rolled_back_file_is_gone_after_discard(app, session):
    store = current_store()
    name = store.put(b"sealed bytes of a report that failed")
    session.rollback()
    store.discard([name])
    with pytest.raises(MissingEvidence):
        store.get(name)


def test_names_from_a_request_are_refused(app, session):
    with pytest.raises(ValueError):
        current_store().get("../keys.json")


def test_a_submitted_file_opens_through_the_store_and_a_deleted_report_erases_it(app, client, session):
    from tracker.intake.followup import delete_report
    from tracker.models import Report

    receipt_of(send_report(client, {"narrative": "a note"}, files=[(io.BytesIO(b"what they wrote\n"), "n.txt")]))
    row = session.exec(select(Evidence)).one()
    store = current_store()
    assert read_evidence(row.stored_name, store=store, sealer=get_sealer()) == b"what they wrote\n"
    on_disk = list(Path(app.config["EVIDENCE_FOLDER"]).glob("*"))
    assert bool(on_disk) == (not store.in_database)  # the database store writes nothing on disk
    delete_report(session, session.get(Report, row.report_id), store=store, sealer=get_sealer())
    with pytest.raises(MissingEvidence):
        store.get(row.stored_name)


def test_orphans_are_files_no_row_names(app, session):
    store = current_store()
    kept = make_report(session)
    named = store.put(b"named")
    session.add(Evidence(report_id=kept.id, sha256="0" * 64, mime_type="text/plain", size=5, stored_name=named))
    lost = store.put(b"left by a retention run killed after its commit")
    session.commit()
    # A folder counts only files older than the grace period (-1: every file is old enough).
    assert store.orphans(-1) == [lost]


def test_a_backup_carries_the_files_and_restores_them_into_the_store(app, session, runner, tmp_path, postgres_database):
    from tests.conftest import make_test_app
    from tests.reliability.helpers import second_database

    receipt_of(send_report(app.test_client(), {"narrative": "n"}, files=[(io.BytesIO(b"kept in a backup\n"), "a.txt")]))
    row = session.exec(select(Evidence)).one()
    backup = tmp_path / "tracker.backup"
    made = runner.invoke(args=["backup", "create", str(backup)])
    assert made.exit_code == 0 and "1 evidence files" in made.output, made.output
    with second_database(tmp_path, postgres_database) as url:
        fresh = make_test_app(tmp_path / "fresh", url, EVIDENCE_STORE=app.config["EVIDENCE_STORE"],
                              EVIDENCE_FOLDER=str(tmp_path / "fresh-evidence"))
        with fresh.app_context():
            restored = fresh.test_cli_runner().invoke(args=["backup", "restore", str(backup), "--yes"])
            assert restored.exit_code == 0, restored.output
            assert read_evidence(row.stored_name, store=current_store(), sealer=get_sealer()) == b"kept in a backup\n"
        fresh.extensions["tracker.engine"].dispose()
