"""Failing closed: when the keyring, the database or the disk fails, a reporter's submission is
refused with a clear page, nothing is stored (in plaintext or at all), and the form keeps what
they typed."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select
from sqlmodel import SQLModel

from tests.conftest import make_test_app, install_test_organisation_key
from tests.intake.helpers import send_report
from tracker.models import Report

CANARY = "CanaryFailClosed my cousin was taken to the station"
REPORT = {"submitter_role": "self", "targets": ["me"], "community": "tibetan", "tactics": ["digital_threat"],
          "origin_country": "CN", "host_country": "IN", "narrative": CANARY, "consent_statistics": "y"}


def _sqlite_app(tmp_path: Path, **config):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'fail.sqlite3'}", **config)
    SQLModel.metadata.create_all(app.extensions["tracker.engine"])
    install_test_organisation_key(app.extensions["tracker.engine"])
    return app


def _remove_keyring(app) -> None:
    """The keyring is not available to the engine (a deployment whose keys failed to load)."""
    app.extensions["tracker.engine"].dialect.tracker_sealer = None


def _fill_the_disk(app) -> None:
    """SQLite may not grow by a single page: the write fails as on a full disk (SQLITE_FULL)."""
    engine = app.extensions["tracker.engine"]
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
    engine.dispose()
    event.listen(engine, "connect", lambda dbapi, _r: dbapi.execute(f"PRAGMA max_page_count={pages}"))


FAULTS = {"keyring missing": _remove_keyring, "disk full": _fill_the_disk}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_storage_fault_refuses_the_report_keeps_the_form_and_stores_nothing(tmp_path, fault):
    app = _sqlite_app(tmp_path)
    FAULTS[fault](app)
    client = app.test_client()
    response = send_report(client, {**REPORT, "narrative": CANARY + " " + "x" * 12000})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "NOT received" in html and CANARY in html  # the typed text comes back in the form
    assert 'name="idempotency_key"' in html  # a retry keeps the same token: no duplicate later
    assert response.headers["Cache-Control"] == "no-store"
    _assert_nothing_stored(app, tmp_path)


def test_an_unreachable_database_refuses_the_report_and_keeps_the_form(tmp_path):
    app = make_test_app(tmp_path, "postgresql+psycopg://tracker@127.0.0.1:9/unreachable?connect_timeout=2")
    client = app.test_client()
    response = send_report(client, REPORT)
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "NOT received" in html and CANARY in html


def test_the_storage_failure_is_logged_without_its_content(tmp_path, caplog):
    app = _sqlite_app(tmp_path)
    _fill_the_disk(app)
    send_report(app.test_client(), {**REPORT, "narrative": CANARY + " " + "y" * 12000})
    assert "storage unavailable: OperationalError" in caplog.text
    assert "Canary" not in caplog.text and "INSERT" not in caplog.text


def test_after_the_fault_the_same_form_sends_once(tmp_path):
    app = _sqlite_app(tmp_path)
    engine = app.extensions["tracker.engine"]
    sealer = engine.dialect.tracker_sealer
    _remove_keyring(app)
    client = app.test_client()
    refused = send_report(client, REPORT)
    token = refused.get_data(as_text=True).split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    engine.dialect.tracker_sealer = sealer  # the operator fixed the keys
    csrf = refused.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    for _ in range(2):
        accepted = client.post("/report", data={**REPORT, "csrf_token": csrf, "idempotency_key": token})
        assert accepted.status_code == 200
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Report)).scalar() == 1


def _assert_nothing_stored(app, tmp_path: Path) -> None:
    """No report row, and the typed text is nowhere on disk (database, WAL, evidence folder)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'fail.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Report)).scalar() == 0
    engine.dispose()
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert CANARY.encode() not in stored
