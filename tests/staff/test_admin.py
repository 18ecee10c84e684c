"""Admin pages: create, deactivate, reactivate, reset a second factor, see who is active."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.conftest import csrf_token, post_form
from tests.factories import make_user
from tracker.models import AuditEvent, RecoveryCode, User
from tracker.staff.second_factor import issue_recovery_codes


def _post(client, url: str):
    """POST a button form from the accounts page, with its CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client, "/staff/admin/users")})


def _audited(session, action: str, object_id: int) -> list[AuditEvent]:
    return session.exec(select(AuditEvent).where(AuditEvent.action == action,
                                                 AuditEvent.object_id == str(object_id))).all()


def test_admin_creates_an_account_and_sees_its_one_time_password_once(admin_client, session, app):
    page = post_form(admin_client, "/staff/admin/users/new", {"email": "New.Person@example.org", "role": "analyst"})
    text = page.get_data(as_text=True)
    password = re.search(r'class="one-time-secret">([^<]+)<', text).group(1)
    user = session.exec(select(User).where(User.email == "new.person@example.org")).one()
    assert user.role == "analyst" and user.must_change_password and not user.totp_confirmed
    assert user.totp_secret is None  # made at their own first sign-in, never shown to the admin (issue 16 §6)
    newcomer = app.test_client()
    response = post_form(newcomer, "/staff/login", {"email": user.email, "password": password, "otp": ""})
    assert response.headers["Location"] == "/staff/first-login"
    assert [e.user_id for e in _audited(session, "user.create", user.id)] == [admin_client.admin.id]


@pytest.mark.parametrize(("email", "role"), [("not-an-email", "analyst"), ("x@example.org", "superuser")])
def test_bad_account_details_are_refused(admin_client, session, email, role):
    page = post_form(admin_client, "/staff/admin/users/new", {"email": email, "role": role})
    assert "was not created" in page.get_data(as_text=True)
    assert session.exec(select(User).where(User.email == email)).first() is None


def test_deactivation_ends_sessions_and_blocks_login_until_reactivated(admin_client, session, app, sign_in):
    worker = make_user(session, "caseworker")
    their_browser = app.test_client()
    sign_in(their_browser, worker)
    assert _post(admin_client, f"/staff/admin/users/{worker.id}/deactivate").status_code == 302
    assert their_browser.get("/staff/").headers["Location"].startswith("/staff/login")
    assert "Sign-in failed" in sign_in(app.test_client(), worker).get_data(as_text=True)
    _post(admin_client, f"/staff/admin/users/{worker.id}/reactivate")
    assert sign_in(app.test_client(), worker).headers["Location"] == "/staff/"
    assert _audited(session, "staff.deactivate", worker.id) and _audited(session, "staff.reactivate", worker.id)


def test_second_factor_reset_forces_a_new_enrolment(admin_client, second_admin, session, app, sign_in):
    worker = make_user(session, "caseworker")
    issue_recovery_codes(session, worker.id)
    session.commit()
    old_secret = worker.totp_secret
    their_browser = app.test_client()
    sign_in(their_browser, worker)
    _post(admin_client, f"/staff/admin/users/{worker.id}/reset-second-factor")
    session.refresh(worker)
    assert worker.totp_secret == old_secret  # nothing happens until a second admin approves
    page = second_admin.approve(worker.id).get_data(as_text=True)
    one_time = re.search(r'class="one-time-secret">([^<]+)<', page).group(1)
    assert their_browser.get("/staff/").headers["Location"].startswith("/staff/login")
    session.refresh(worker)
    assert worker.totp_secret is None and old_secret and not worker.totp_confirmed and worker.must_change_password
    assert session.exec(select(RecoveryCode).where(RecoveryCode.user_id == worker.id)).all() == []
    # The old password, which may have been phished, no longer reaches the enrolment page.
    old_password = post_form(app.test_client(), "/staff/login",
                             {"email": worker.email, "password": "correct horse battery staple 42", "otp": ""})
    assert old_password.status_code == 200 and "Sign-in failed" in old_password.get_data(as_text=True)
    response = post_form(app.test_client(), "/staff/login", {"email": worker.email, "password": one_time, "otp": ""})
    assert response.headers["Location"] == "/staff/first-login"
    event = _audited(session, "staff.second_factor_reset", worker.id)[0]
    assert event.user_id == admin_client.admin.id


@pytest.mark.parametrize("action", ["deactivate", "reset-second-factor"])
def test_admins_cannot_lock_themselves_out(admin_client, session, action):
    admin = admin_client.admin
    _post(admin_client, f"/staff/admin/users/{admin.id}/{action}")
    session.refresh(admin)
    assert admin.active and admin.totp_confirmed
    assert admin_client.get("/staff/admin/users").status_code == 200


def test_unknown_account_is_404(admin_client):
    assert _post(admin_client, "/staff/admin/users/99999/deactivate").status_code == 404


def test_accounts_page_shows_who_is_signed_in(admin_client, session, app, sign_in):
    present, absent = make_user(session, "analyst"), make_user(session, "caseworker")
    sign_in(app.test_client(), present)
    page = admin_client.get("/staff/admin/users").get_data(as_text=True)
    rows = {email: row for row in page.split("<tr>")[1:] for email in (present.email, absent.email) if email in row}
    assert "yes, 1 sessions" in rows[present.email]
    assert "yes," not in rows[absent.email]


def test_first_admin_comes_from_the_command_line(runner, session):
    result = runner.invoke(args=["users", "create", "boss@example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "One-time password" in result.output
    admin = session.exec(select(User).where(User.email == "boss@example.org")).one()
    assert admin.role == "admin" and admin.must_change_password
