"""``flask evidence``: check the configured store, and copy a folder of files into the database."""
from __future__ import annotations

import io
import os
from pathlib import Path

from sqlmodel import select

from tests.conftest import make_test_app
from tests.intake.helpers import receipt_of, send_report
from tracker.crypto import get_sealer
from tracker.evidence_store import current_store
from tracker.intake.evidence import read_evidence
from tracker.models import Evidence


def test_files_copied_into_the_database_open_from_the_database_store(app, client, session, tmp_path):
    receipt_of(send_report(client, {"narrative": "n"}, files=[(io.BytesIO(b"moved to the database\n"), "m.txt")]))
    row = session.exec(select(Evidence)).one()
    first = app.test_cli_runner().invoke(args=["evidence", "copy-to-database"])
    again = app.test_cli_runner().invoke(args=["evidence", "copy-to-database"])
    assert first.exit_code == 0 and "Copied 1 evidence files" in first.output, first.output
    assert again.exit_code == 0 and "Copied 1 evidence files" in again.output  # repeatable
    assert list(Path(app.config["EVIDENCE_FOLDER"]).iterdir())  # the folder is left as it was
    moved = make_test_app(tmp_path / "moved", app.config["DATABASE_URL"], EVIDENCE_STORE="database")
    with moved.app_context():
        checked = moved.test_cli_runner().invoke(args=["evidence", "check"])
        assert checked.exit_code == 0 and "All 1 evidence files are in the database store" in checked.output
        assert read_evidence(row.stored_name, store=current_store(), sealer=get_sealer()) == b"moved to the database\n"
    moved.extensions["tracker.engine"].dispose()


def test_check_fails_when_a_file_is_missing(app, client, session):
    receipt_of(send_report(client, {"narrative": "n"}, files=[(io.BytesIO(b"soon gone\n"), "g.txt")]))
    row = session.exec(select(Evidence)).one()
    os.remove(Path(app.config["EVIDENCE_FOLDER"]) / row.stored_name)
    result = app.test_cli_runner().invoke(args=["evidence", "check"])
    assert result.exit_code != 0 and "1 of 1 evidence files are missing from the folder store" in result.output
