"""First login over HTTP: replace the one-time password, enrol TOTP from a server-drawn QR code."""
from __future__ import annotations

import re

import pyotp
import pytest
from sqlmodel import select

from tests.conftest import csrf_token, post_form
from tracker.models import AuditEvent, RecoveryCode, User
from tracker.staff.accounts import create_user

NEW_PASSWORD = "violet tractor under moonlight"


@pytest.fixture
def newcomer(session):
    """An account as the CLI or an admin makes it: one-time password, TOTP not yet enrolled."""
    user, password = create_user(session, "new.caseworker@example.org", "caseworker")
    session.commit()
    return user, password


def _sign_in_with_one_time_password(client, user, password):
    return post_form(client, "/staff/login", {"email": user.email, "password": password, "otp": ""})


def _shown_secret(client) -> str:
    """The TOTP secret the enrolment page shows the person (made there, at first sign-in)."""
    page = client.get("/staff/first-login/second-factor").get_data(as_text=True)
    return re.search(r'<code class="totp-secret">([A-Z2-7]+)</code>', page).group(1)


def _enrol(client, user) -> str:
    """Choose a password and confirm the QR code's secret; return the recovery-codes page."""
    post_form(client, "/staff/first-login/password",
              {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    code = pyotp.TOTP(_shown_secret(client)).now()
    return post_form(client, "/staff/first-login/second-factor", {"otp": code}).get_data(as_text=True)


def test_one_time_password_leads_to_the_first_login_steps_only(client, newcomer):
    user, password = newcomer
    response = _sign_in_with_one_time_password(client, user, password)
    assert response.headers["Location"] == "/staff/first-login"
    assert client.get("/staff/first-login").headers["Location"] == "/staff/first-login/password"
    # Half signed in: no staff page is reachable before the password and TOTP steps.
    for url in ("/staff/", "/staff/account", "/staff/admin/users"):
        assert client.get(url).headers["Location"].startswith("/staff/login")
    # TOTP enrolment waits until the one-time password is replaced.
    assert client.get("/staff/first-login/second-factor").headers["Location"] == "/staff/first-login"


@pytest.mark.parametrize(("new", "confirm", "message"), [
    ("short pass", "short pass", "at least 12 characters"),
    ("Password2024!", "Password2024!", "too common"),
    ("qwertyuiop123", "qwertyuiop123", "too common"),
    ("aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", "too common"),
    ("new.caseworker rocks", "new.caseworker rocks", "email address"),
    (NEW_PASSWORD, NEW_PASSWORD + "x", "do not match"),
    ("x" * 129, "x" * 129, "at most 128"),
])
def test_weak_new_passwords_are_refused(client, session, newcomer, new, confirm, message):
    user, password = newcomer
    _sign_in_with_one_time_password(client, user, password)
    page = post_form(client, "/staff/first-login/password", {"new_password": new, "confirm_password": confirm})
    assert message in page.get_data(as_text=True)
    session.refresh(user)
    assert user.must_change_password


def test_no_composition_rules_a_long_lowercase_passphrase_is_fine(client, session, newcomer):
    user, password = newcomer
    _sign_in_with_one_time_password(client, user, password)
    response = post_form(client, "/staff/first-login/password",
                         {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.headers["Location"] == "/staff/first-login"
    session.refresh(user)
    assert not user.must_change_password


def test_enrolment_page_draws_the_qr_code_on_the_server(client, newcomer):
    user, password = newcomer
    _sign_in_with_one_time_password(client, user, password)
    post_form(client, "/staff/first-login/password", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert user.totp_secret is None  # nobody, not even whoever made the account, saw it before
    page = client.get("/staff/first-login/second-factor").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "<path" in svg and "style=" not in svg  # the CSP forbids inline style
    assert re.search(r'<code class="totp-secret">[A-Z2-7]{32}</code>', page)  # for typing in by hand
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing loaded from elsewhere


def test_enrolment_with_a_wrong_code_is_refused(client, session, newcomer):
    user, password = newcomer
    _sign_in_with_one_time_password(client, user, password)
    post_form(client, "/staff/first-login/password", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    page = post_form(client, "/staff/first-login/second-factor", {"otp": "000000"}).get_data(as_text=True)
    assert "did not match" in page
    session.refresh(user)
    assert not user.totp_confirmed


def test_confirmed_enrolment_gives_recovery_codes_and_a_full_session(client, session, newcomer):
    user, password = newcomer
    _sign_in_with_one_time_password(client, user, password)
    page = _enrol(client, user)
    codes = re.findall(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", page)
    assert len(set(codes)) == 10
    assert client.get("/staff/").status_code == 200
    stored = session.exec(select(RecoveryCode.code_digest).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # digests only
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))).all()
    assert {"staff.password_change", "staff.second_factor_enrol"} <= set(actions)
    user = session.get(User, user.id)
    assert user.totp_confirmed and not user.must_change_password


def test_after_enrolment_the_password_alone_is_not_enough(client, session, newcomer):
    user, password = newcomer
    _sign_in_with_one_time_password(client, user, password)
    _enrol(client, user)
    other = client.application.test_client()
    response = post_form(other, "/staff/login", {"email": user.email, "password": NEW_PASSWORD, "otp": ""})
    assert "Sign-in failed" in response.get_data(as_text=True)


def test_a_recovery_code_signs_in_once(client, session, newcomer):
    user, password = newcomer
    _sign_in_with_one_time_password(client, user, password)
    code = re.findall(r"<code>([0-9A-Z-]{14})</code>", _enrol(client, user))[0]
    first = client.application.test_client()
    fields = {"email": user.email, "password": NEW_PASSWORD, "otp": code.lower()}
    assert post_form(first, "/staff/login", fields).headers["Location"] == "/staff/"
    second = client.application.test_client()
    assert "Sign-in failed" in post_form(second, "/staff/login", fields).get_data(as_text=True)


def test_logout_works_half_way_through_enrolment(client, newcomer):
    user, password = newcomer
    _sign_in_with_one_time_password(client, user, password)
    token = csrf_token(client, "/staff/first-login/password")
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/first-login").headers["Location"].startswith("/staff/login")
