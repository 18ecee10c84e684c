"""The organisation key through the app: who can open personal data, and how access moves with
grants, password changes, API tokens, migration and recovery (issue 16 §1)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import LargeBinary, select, type_coerce
from sqlmodel import SQLModel
from sqlmodel import select as sqlmodel_select

from tests.conftest import make_test_app, post_form
from tests.factories import STAFF_PASSWORD, make_person, make_report, make_user
from tracker import keyholder
from tracker.api.tokens import issue_token
from tracker.config import generate_keys
from tracker.crypto import Sealer
from tracker.models import Report, User

NARRATIVE = "Canary narrative: they came for my uncle at dawn"
NEW_PASSWORD = "violet tractor under moonlight"


@pytest.fixture
def report(session):
    return make_report(session, narrative=NARRATIVE)


def _page(client, report) -> str:
    return client.get(f"/casework/reports/{report.id}").get_data(as_text=True)


def test_a_granted_caseworker_reads_personal_data_and_one_without_a_grant_does_not(app, session, sign_in, report):
    granted, outsider = make_user(session), make_user(session, granted=False)
    first, second = app.test_client(), app.test_client()
    sign_in(first, granted)
    sign_in(second, outsider)
    assert NARRATIVE in _page(first, report)
    page = _page(second, report)
    assert NARRATIVE not in page and "[sealed]" in page


def test_no_request_inherits_a_key_open_around_it(client, report):
    """The test suite holds the organisation key open around each test; a request still starts
    with nothing open, so the reporter's pages and anonymous API calls see no personal data."""
    assert keyholder.has_open_keys()
    response = client.get(f"/api/v1/reports/{report.id}", headers={})
    assert NARRATIVE not in response.get_data(as_text=True)


def test_an_admin_grants_access_and_it_takes_effect_at_the_next_sign_in(app, session, sign_in, report,
                                                                         second_admin):
    admin, newcomer = make_user(session, "admin"), make_user(session, granted=False)
    browser, theirs = app.test_client(), app.test_client()
    sign_in(browser, admin)
    sign_in(theirs, newcomer)
    post_form(browser, f"/staff/admin/users/{newcomer.id}/grant-access", {}, form_url="/staff/admin/users")
    session.refresh(newcomer)
    assert newcomer.org_key_grant is None  # asked for, not yet approved by a second admin
    second_admin.approve(newcomer.id)
    session.refresh(newcomer)
    assert newcomer.org_key_grant is not None
    assert NARRATIVE not in _page(theirs, report)  # the running session was opened without it
    sign_in(theirs, newcomer)
    assert NARRATIVE in _page(theirs, report)


def test_changing_the_password_keeps_access_and_the_old_password_no_longer_opens_the_key(app, session, sign_in,
                                                                                        report, fresh_code):
    user = make_user(session)
    browser = app.test_client()
    sign_in(browser, user)
    old_wrapped = user.key_private_wrapped
    post_form(browser, "/staff/account/password", {"current_password": STAFF_PASSWORD, "otp": fresh_code(user),
                                                   "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    session.refresh(user)
    assert user.key_private_wrapped != old_wrapped and user.org_key_grant is not None
    assert NARRATIVE in _page(browser, report)
    again = app.test_client()
    sign_in(again, user, NEW_PASSWORD)
    assert NARRATIVE in _page(again, report)


def test_a_reset_by_an_admin_grants_access_again_from_the_approving_admins_key(admin_client, second_admin,
                                                                                session):
    worker = make_user(session)
    post_form(admin_client, f"/staff/admin/users/{worker.id}/reset-second-factor", {}, form_url="/staff/admin/users")
    second_admin.approve(worker.id)
    session.refresh(worker)
    assert worker.org_key_grant is not None and worker.totp_secret is None


def test_deactivation_withdraws_the_grant(admin_client, session):
    worker = make_user(session)
    post_form(admin_client, f"/staff/admin/users/{worker.id}/deactivate", {}, form_url="/staff/admin/users")
    session.refresh(worker)
    assert worker.org_key_grant is None


def test_an_api_token_opens_what_the_session_that_made_it_could(client, session):
    user = make_user(session)
    person = make_person(session, names=[{"name": NARRATIVE, "script": "Latn"}])
    _row, with_key = issue_token(session, user.id, "script", organisation_key=_test_key())
    _row, without = issue_token(session, user.id, "script")
    session.commit()
    url = f"/api/v1/people/{person.id}"
    assert NARRATIVE in client.get(url, headers={"Authorization": f"Bearer {with_key}"}).get_data(as_text=True)
    assert NARRATIVE not in client.get(url, headers={"Authorization": f"Bearer {without}"}).get_data(as_text=True)


def _test_key():
    from tests.conftest import TEST_ORG_KID, TEST_ORG_PRIVATE

    return TEST_ORG_KID, TEST_ORG_PRIVATE


def test_keys_init_makes_the_key_once_and_prints_the_recovery_key(tmp_path):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    SQLModel.metadata.create_all(app.extensions["tracker.engine"])
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["keys", "recover", "admin@example.org"], input="x\n")
    assert refused.exit_code != 0
    first = runner.invoke(args=["keys", "init", "--admin", "admin@example.org"])
    assert first.exit_code == 0, first.output
    assert re.search(r"RECOVERY KEY .*: ([A-Z2-7]{4}-){12}[A-Z2-7]{4}", first.output)
    again = runner.invoke(args=["keys", "init", "--admin", "other@example.org"])
    assert again.exit_code == 0 and "nothing to do" in again.output
    app.extensions["tracker.engine"].dispose()


def test_recover_grants_the_key_with_the_recovery_key_only(tmp_path):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    SQLModel.metadata.create_all(app.extensions["tracker.engine"])
    runner = app.test_cli_runner()
    output = runner.invoke(args=["keys", "init", "--admin", "admin@example.org"]).output
    recovery = re.search(r"RECOVERY KEY .*: (\S+)", output).group(1)
    assert runner.invoke(args=["users", "create", "second@example.org", "--role", "admin"]).exit_code == 0
    wrong = runner.invoke(args=["keys", "recover", "second@example.org"], input="AAAA-" * 12 + "AAAA\n")
    assert wrong.exit_code != 0 and "does not open" in wrong.output
    right = runner.invoke(args=["keys", "recover", "second@example.org"], input=recovery.lower() + "\n")
    assert right.exit_code == 0, right.output
    with app.app_context():
        from tracker.db import get_session

        assert get_session().exec(sqlmodel_select(User).where(User.email == "second@example.org")).one().org_key_grant
    app.extensions["tracker.engine"].dispose()


def test_migrate_reseals_personal_data_from_the_keyring_to_the_organisation_key(tmp_path):
    """An installation from before: narratives sealed with the server's own keyring (format 1)."""
    keys = generate_keys()
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'old.sqlite3'}", **keys)
    engine = app.extensions["tracker.engine"]
    SQLModel.metadata.create_all(engine)
    old_sealer = Sealer.from_config(app.config)
    legacy = old_sealer.seal_with_keyring("report.narrative", NARRATIVE.encode())
    with engine.begin() as connection:
        connection.execute(Report.__table__.insert().values(narrative=type_coerce(legacy, LargeBinary), targets=[]))
    result = app.test_cli_runner().invoke(args=["keys", "migrate", "--admin", "admin@example.org"])
    assert result.exit_code == 0, result.output
    assert '"report": 1' in result.output
    with engine.connect() as connection:
        stored = bytes(connection.execute(select(type_coerce(Report.__table__.c.narrative, LargeBinary))).scalar())
    assert stored[:1] == b"\x02"  # sealed to the organisation key now
    with pytest.raises(Exception):  # noqa: B017 - the server's keyring no longer opens it
        old_sealer.open_bytes("report.narrative", stored)
    engine.dispose()
