"""Changing your own password or second factor: both need the current password and a code,
and both end every other session of yours."""
from __future__ import annotations

import re

import pyotp
import pytest

from tests.conftest import post_form
from tests.factories import STAFF_PASSWORD, make_user
from tracker.models import AuditEvent, User

NEW_PASSWORD = "lantern orchard seventy kites"


@pytest.fixture
def user(session):
    """A caseworker with an enrolled authenticator."""
    return make_user(session, "caseworker")


def _other_browser(client, user, sign_in):
    """A second client signed in as the same user."""
    other = client.application.test_client()
    sign_in(other, user)
    assert other.get("/staff/").status_code == 200
    return other


def _change_password(client, user, code, *, password=STAFF_PASSWORD, new=NEW_PASSWORD):
    return post_form(client, "/staff/account/password", {
        "current_password": password, "otp": code,
        "new_password": new, "confirm_password": new})


@pytest.mark.parametrize("wrong", ["password", "code"])
def test_password_change_needs_the_current_password_and_a_code(client, session, user, sign_in, fresh_code, wrong):
    sign_in(client, user)
    before = user.password_hash
    response = _change_password(client, user, "000000" if wrong == "code" else fresh_code(user),
                                password="not my password" if wrong == "password" else STAFF_PASSWORD)
    assert "current password or code was wrong" in response.get_data(as_text=True)
    session.refresh(user)
    assert user.password_hash == before


def test_password_change_ends_other_sessions_and_keeps_this_one(client, session, user, sign_in, fresh_code):
    sign_in(client, user)
    other = _other_browser(client, user, sign_in)
    response = _change_password(client, user, fresh_code(user))
    assert response.headers["Location"] == "/staff/account"
    assert client.get("/staff/account").status_code == 200
    assert other.get("/staff/").headers["Location"].startswith("/staff/login")
    fresh = client.application.test_client()
    assert sign_in(fresh, user, NEW_PASSWORD).headers["Location"] == "/staff/"
    assert session.exec(AuditEvent.__table__.select().where(
        AuditEvent.action == "staff.password_change")).first() is not None


def test_password_change_applies_the_password_rules(client, session, user, sign_in, fresh_code):
    sign_in(client, user)
    page = _change_password(client, user, fresh_code(user), new="iloveyou2024").get_data(as_text=True)
    assert "too common" in page


def _start_new_factor(client, user, code: str) -> str:
    """Pass the re-authentication step; return the new secret shown for the new app."""
    page = post_form(client, "/staff/account/second-factor",
                     {"current_password": STAFF_PASSWORD, "otp": code}).get_data(as_text=True)
    return re.search(r'class="totp-secret">([A-Z2-7]+)<', page).group(1)


def test_second_factor_change_switches_apps_and_ends_other_sessions(client, session, user, sign_in, fresh_code):
    sign_in(client, user)
    other = _other_browser(client, user, sign_in)
    old_secret = user.totp_secret
    new_secret = _start_new_factor(client, user, fresh_code(user))
    assert new_secret != old_secret
    session.refresh(user)
    assert user.totp_secret == old_secret  # the old app works until the new one is confirmed
    page = post_form(client, "/staff/account/second-factor/confirm", {"otp": fresh_code(user, new_secret)},
                     form_url="/staff/account").get_data(as_text=True)
    assert len(re.findall(r"<code>[0-9A-Z]{4}-", page)) == 10
    assert other.get("/staff/").headers["Location"].startswith("/staff/login")
    user = session.get(User, user.id)
    session.refresh(user)
    assert user.totp_secret == new_secret
    fresh = client.application.test_client()
    old_code = pyotp.TOTP(old_secret).generate_otp(user.totp_last_step + 1)
    refused = post_form(fresh, "/staff/login", {"email": user.email, "password": STAFF_PASSWORD, "otp": old_code})
    assert "Sign-in failed" in refused.get_data(as_text=True)


def test_a_wrong_code_for_the_new_app_keeps_the_old_one(client, session, user, sign_in, fresh_code):
    sign_in(client, user)
    old_secret = user.totp_secret
    _start_new_factor(client, user, fresh_code(user))
    response = post_form(client, "/staff/account/second-factor/confirm", {"otp": "000000"}, form_url="/staff/account")
    assert response.headers["Location"] == "/staff/account/second-factor"
    session.refresh(user)
    assert user.totp_secret == old_secret


def test_second_factor_change_refuses_a_wrong_password(client, session, user, sign_in, fresh_code):
    sign_in(client, user)
    page = post_form(client, "/staff/account/second-factor",
                     {"current_password": "wrong wrong wrong", "otp": fresh_code(user)})
    assert "current password or code was wrong" in page.get_data(as_text=True)
    assert "totp-secret" not in page.get_data(as_text=True)
