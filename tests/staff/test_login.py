"""Login and logout over HTTP: one answer for every failure, fresh sessions, safe redirects."""
from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import login_as, post_form
from tests.factories import STAFF_PASSWORD, make_user
from tracker.models import AuditEvent, StaffSession
from tracker.staff.login import safe_next

COOKIE = "tracker_session"
FAILED = "Sign-in failed"


def _login(client, email: str, password: str, otp: str = "", **extra):
    """POST the login form with these fields."""
    return post_form(client, "/staff/login", {"email": email, "password": password, "otp": otp, **extra})


def test_login_with_password_and_code_reaches_the_staff_pages(client, session):
    user = make_user(session, "caseworker")
    response = login_as(client, user)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    page = client.get("/staff/")
    assert page.status_code == 200 and user.email in page.get_data(as_text=True)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "staff.login")).all()
    assert [(e.user_id, e.outcome) for e in events] == [(user.id, "success")]


def test_unknown_email_and_wrong_password_get_the_same_answer(client, session):
    user = make_user(session)
    unknown = _login(client, "nobody@example.org", STAFF_PASSWORD, "123456")
    wrong = _login(client, user.email, "not the right password", "123456")
    assert unknown.status_code == wrong.status_code == 200
    strip = lambda r: r.get_data(as_text=True).split('name="csrf_token"')[0]  # noqa: E731
    assert strip(unknown) == strip(wrong) and FAILED in strip(wrong)
    outcomes = session.exec(select(AuditEvent.outcome).where(AuditEvent.action == "staff.login")).all()
    assert outcomes == ["failure", "failure"]


def test_right_password_without_a_valid_code_fails(client, session):
    user = make_user(session)
    response = _login(client, user.email, STAFF_PASSWORD, "000000")
    assert FAILED in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_a_totp_code_is_accepted_only_once(client, session, fresh_code):
    user = make_user(session)
    code = fresh_code(user)
    assert _login(client, user.email, STAFF_PASSWORD, code).status_code == 302
    client.post("/staff/logout", data={"csrf_token": _csrf(client)})
    assert FAILED in _login(client, user.email, STAFF_PASSWORD, code).get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client, session):
    user = make_user(session, active=False)
    assert FAILED in login_as(client, user).get_data(as_text=True)


def _csrf(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/staff/account")


def test_login_issues_a_new_session_identifier(client, session, sign_in):
    user = make_user(session)
    client.get("/staff/login")
    before = client.get_cookie(COOKIE).value
    login_as(client, user)
    after = client.get_cookie(COOKIE).value
    assert before != after
    login_as(client, user)
    assert client.get_cookie(COOKIE).value != after
    rows = session.exec(select(StaffSession).where(StaffSession.user_id == user.id)).all()
    assert len(rows) == 2  # two logins, two server-side sessions; no token is stored in clear
    assert all(len(row.id) == 64 for row in rows)


def test_logout_ends_the_session_and_a_replayed_cookie_is_rejected(client, session):
    user = make_user(session)
    login_as(client, user)
    stolen = client.get_cookie(COOKIE).value
    response = client.post("/staff/logout", data={"csrf_token": _csrf(client)})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302
    client.set_cookie(COOKIE, stolen)
    assert client.get("/staff/").headers["Location"].startswith("/staff/login")
    assert session.exec(select(StaffSession).where(StaffSession.user_id == user.id)).all() == []


def test_session_cookie_flags(client, session):
    login_as(client, make_user(session))
    header = [h for h in client.get("/staff/login").headers.getlist("Set-Cookie")]
    response = login_as(client, make_user(session))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "remember_token" not in " ".join(header) + cookie


def test_next_is_followed_only_to_same_site_paths(client, session, fresh_code):
    user = make_user(session)
    page = client.get("/staff/login?next=/staff/account").get_data(as_text=True)
    assert 'name="next" value="/staff/account"' in page
    code = fresh_code(user)
    response = _login(client, user.email, STAFF_PASSWORD, code, next="/staff/account")
    assert response.headers["Location"] == "/staff/account"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
    "evil.example", "/staff/\x00", "", None,
])
def test_unsafe_next_values_are_dropped(target):
    assert safe_next(target) is None


def test_anonymous_staff_page_redirects_to_login_with_next(client):
    response = client.get("/staff/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login?next=/staff/account"
