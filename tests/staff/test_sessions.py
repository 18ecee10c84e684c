"""Session lifetime on a mocked clock: 30 minutes idle, 8 hours at most; Secure over TLS."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import login_as
from tests.factories import make_user
from tracker.models import StaffSession

MINUTE = 60


def _signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def test_idle_session_expires_after_thirty_minutes(client, session, staff_clock):
    user = make_user(session)
    login_as(client, user)
    staff_clock.advance(29 * MINUTE)
    assert _signed_in(client)  # activity resets the idle timer
    staff_clock.advance(29 * MINUTE)
    assert _signed_in(client)
    staff_clock.advance(30 * MINUTE + 1)
    assert not _signed_in(client)
    assert session.exec(select(StaffSession)).all() == []  # the expired row is gone


def test_active_session_still_ends_after_eight_hours(client, session, staff_clock):
    login_as(client, make_user(session))
    for _ in range(8 * 60 // 20 - 1):  # a request every 20 minutes, never idle
        staff_clock.advance(20 * MINUTE)
        assert _signed_in(client)
    staff_clock.advance(20 * MINUTE + 1)
    assert not _signed_in(client)


class TestConfiguredLimits:
    """The limits come from STAFF_IDLE_TIMEOUT and STAFF_SESSION_LIFETIME."""

    @pytest.fixture
    def app_config(self):
        """Shorter limits for this class only."""
        return {"STAFF_IDLE_TIMEOUT": timedelta(minutes=5), "STAFF_SESSION_LIFETIME": timedelta(hours=1)}

    def test_idle_limit_is_configurable(self, client, session, staff_clock):
        login_as(client, make_user(session))
        staff_clock.advance(4 * MINUTE)
        assert _signed_in(client)
        staff_clock.advance(5 * MINUTE + 1)
        assert not _signed_in(client)

    def test_lifetime_is_configurable(self, client, session, staff_clock):
        login_as(client, make_user(session))
        for _ in range(14):
            staff_clock.advance(4 * MINUTE)
            assert _signed_in(client)
        staff_clock.advance(4 * MINUTE + 1)
        assert not _signed_in(client)


def test_cookie_is_secure_over_tls_and_not_over_plain_http(client, session):
    user = make_user(session)
    plain = login_as(client, user).headers["Set-Cookie"]
    assert "Secure" not in plain
    tls = client.application.test_client()
    tls.get("/staff/login", base_url="https://tracker.example")
    response = tls.get("/staff/login", base_url="https://tracker.example")
    page = response.get_data(as_text=True)
    assert "csrf_token" in page
    cookie = tls.get_cookie("tracker_session", domain="tracker.example")
    assert cookie is not None and cookie.secure and cookie.http_only


def test_the_cookie_holds_no_user_id_or_email(client, session):
    user = make_user(session)
    login_as(client, user)
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(client.application)
    content = serializer.loads(client.get_cookie("tracker_session").value)
    assert set(content) <= {"_user_id", "_fresh", "csrf_token", "lang"}
    row = session.exec(select(StaffSession)).one()
    assert content["_user_id"] != str(user.id) and content["_user_id"] != row.id
    assert user.email not in str(content)
