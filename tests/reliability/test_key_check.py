"""Key check values: a well-formed but wrong data key is refused before it seals anything."""
from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_KEYS, make_test_app
from tests.factories import make_user
from tests.intake.helpers import send_report
from tracker.key_check import KeyringMismatch, check_value, keyring_of, verify_keyring
from tracker.models import DataKeyCheck, Report

from .test_fail_closed import CANARY, REPORT

KEY_ID = TEST_KEYS["ACTIVE_DATA_KEY"]


def _url(app) -> str:
    return app.extensions["tracker.engine"].url.render_as_string(hide_password=False)


def _other_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _app_with_ring(app, tmp_path: Path, ring: dict[str, str], active: str):
    """A second app server over the same database with another keyring."""
    return make_test_app(tmp_path / "other", _url(app), DATA_KEYS=ring, ACTIVE_DATA_KEY=active)


def _reports(app) -> int:
    with app.extensions["tracker.engine"].connect() as connection:
        return connection.execute(select(func.count()).select_from(Report)).scalar()


def _recorded(app) -> dict[str, str]:
    with app.extensions["tracker.engine"].connect() as connection:
        return dict(connection.execute(select(DataKeyCheck.key_id, DataKeyCheck.check_value)).all())


def test_the_first_write_records_the_check_value_of_every_key(app, client):
    assert _recorded(app) == {}
    assert send_report(client, REPORT).status_code == 200
    expected = check_value(base64.b64decode(TEST_KEYS["DATA_KEYS"][KEY_ID]))
    assert _recorded(app) == {KEY_ID: expected}
    assert TEST_KEYS["DATA_KEYS"][KEY_ID].encode() not in repr(_recorded(app)).encode()


def test_a_wrong_key_under_a_known_id_refuses_the_report_and_keeps_the_form(app, client, tmp_path, caplog):
    assert send_report(client, REPORT).status_code == 200
    wrong = _app_with_ring(app, tmp_path, {KEY_ID: _other_key()}, KEY_ID)
    response = send_report(wrong.test_client(), {**REPORT, "narrative": CANARY + " again"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "NOT received" in html and CANARY + " again" in html
    assert _reports(app) == 1
    assert f"data key {KEY_ID!r} of the keyring is not the key" in caplog.text
    if app.extensions["tracker.engine"].url.get_backend_name() == "sqlite":
        stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
        assert (CANARY + " again").encode() not in stored
    wrong.extensions["tracker.engine"].dispose()


def test_a_ring_without_a_key_that_sealed_data_is_refused(app, client, tmp_path):
    assert send_report(client, REPORT).status_code == 200
    stranger = _app_with_ring(app, tmp_path, {"stranger": _other_key()}, "stranger")
    response = stranger.test_client().post("/api/v1/reports", json={})
    assert response.status_code == 503 and response.get_json() == {"error": "unavailable"}
    with pytest.raises(KeyringMismatch, match="is not in the keyring"):
        verify_keyring(stranger.extensions["tracker.engine"], {"stranger": b"\0" * 32})
    assert set(_recorded(app)) == {KEY_ID}  # the refused ring left no trace: the right one still writes
    assert send_report(client, REPORT).status_code == 200
    stranger.extensions["tracker.engine"].dispose()


def test_pages_that_only_read_still_work_with_a_wrong_key(app, client, tmp_path):
    assert send_report(client, REPORT).status_code == 200
    wrong = _app_with_ring(app, tmp_path, {KEY_ID: _other_key()}, KEY_ID)
    assert wrong.test_client().get("/report").status_code == 200
    wrong.extensions["tracker.engine"].dispose()


def test_a_server_that_gets_a_new_key_with_the_old_ones_records_it(app, client, tmp_path):
    assert send_report(client, REPORT).status_code == 200
    ring = {**TEST_KEYS["DATA_KEYS"], "added": _other_key()}
    rotated = _app_with_ring(app, tmp_path, ring, "added")
    assert send_report(rotated.test_client(), REPORT).status_code == 200
    assert set(_recorded(app)) == {KEY_ID, "added"}
    rotated.extensions["tracker.engine"].dispose()


def test_keys_status_reports_a_mismatch(app, client, tmp_path):
    assert send_report(client, REPORT).status_code == 200
    assert "matches" in app.test_cli_runner().invoke(args=["keys", "status"]).output
    wrong = _app_with_ring(app, tmp_path, {KEY_ID: _other_key()}, KEY_ID)
    result = wrong.test_cli_runner().invoke(args=["keys", "status"])
    assert "KEYRING MISMATCH" in result.output
    assert wrong.test_cli_runner().invoke(args=["keys", "reseal"]).exit_code != 0
    wrong.extensions["tracker.engine"].dispose()


def test_a_database_from_before_key_checks_is_not_trusted_to_the_first_ring(app, session, tmp_path):
    # A TOTP secret: a service secret, sealed with the keyring (personal data goes to the
    # organisation key and proves nothing about the ring).
    make_user(session, "caseworker")
    wrong = _app_with_ring(app, tmp_path, {KEY_ID: _other_key()}, KEY_ID)
    with pytest.raises(KeyringMismatch, match="does not open the values sealed under its id"):
        verify_keyring(wrong.extensions["tracker.engine"], keyring_of(wrong.config))
    assert _recorded(app) == {}
    verify_keyring(app.extensions["tracker.engine"], keyring_of(app.config))  # the right ring is recorded
    assert set(_recorded(app)) == {KEY_ID}
    wrong.extensions["tracker.engine"].dispose()


@pytest.mark.parametrize("command", [["users", "create", "new.admin@example.org", "--role", "admin"],
                                     ["demo-data", "--incidents", "2"]])
def test_commands_that_seal_refuse_a_wrong_key(app, client, tmp_path, command):
    assert send_report(client, REPORT).status_code == 200  # the right ring is recorded
    wrong = _app_with_ring(app, tmp_path, {KEY_ID: _other_key()}, KEY_ID)
    result = wrong.test_cli_runner().invoke(args=command)
    assert result.exit_code != 0 and isinstance(result.exception, KeyringMismatch)
    assert _reports(app) == 1
