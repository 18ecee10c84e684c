"""Login throttling: a locked account does not lock others; a per-client limit caps everyone."""
from __future__ import annotations

import pytest

from tests.conftest import post_form
from tests.factories import STAFF_PASSWORD, make_user
from tracker.staff import login as login_module
from tracker.staff import throttle

FAILED = "Sign-in failed"


def _attempt(client, email: str, password: str, otp: str = "000000"):
    return post_form(client, "/staff/login", {"email": email, "password": password, "otp": otp})


def _fail_times(client, email: str, times: int) -> None:
    for _ in range(times):
        assert FAILED in _attempt(client, email, "wrong password here").get_data(as_text=True)


def test_six_failures_in_a_minute_lock_that_account_even_with_the_right_password(client, session, fresh_code):
    victim = make_user(session)
    _fail_times(client, victim.email, 6)
    response = _attempt(client, victim.email, STAFF_PASSWORD, fresh_code(victim))
    assert FAILED in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_five_failures_do_not_lock(client, session, fresh_code):
    user = make_user(session)
    _fail_times(client, user.email, 5)
    assert _attempt(client, user.email, STAFF_PASSWORD, fresh_code(user)).headers["Location"] == "/staff/"


def test_a_locked_account_does_not_lock_another(client, session, fresh_code):
    victim, colleague = make_user(session), make_user(session)
    _fail_times(client, victim.email, 7)
    # Same client, same minute: the colleague still signs in.
    response = _attempt(client, colleague.email, STAFF_PASSWORD, fresh_code(colleague))
    assert response.headers["Location"] == "/staff/"


def test_unknown_emails_lock_like_real_ones(app, client):
    """Locking reveals nothing about which accounts exist."""
    _fail_times(client, "nobody@example.org", 6)
    with app.test_request_context():
        assert throttle.is_locked("nobody@example.org")
        assert throttle.is_locked("  NOBODY@example.org ")
        assert not throttle.is_locked("somebody@example.org")


def test_every_path_costs_one_password_verification(client, session, monkeypatch):
    """Unknown email, wrong password, locked account: the same Argon2id work each time."""
    user = make_user(session)
    calls: list[str | None] = []
    real = login_module.verify_password

    def counting(password_hash, password):
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(login_module, "verify_password", counting)
    _attempt(client, "nobody@example.org", STAFF_PASSWORD)
    _attempt(client, user.email, "wrong password here")
    _fail_times(client, user.email, 6)
    calls.clear()
    _attempt(client, user.email, STAFF_PASSWORD)  # locked now
    _attempt(client, "nobody@example.org", "x" * 500)  # too long: still one verification
    assert len(calls) == 2


class TestPerClientLimit:
    """The login form's per-client limit (Flask-Limiter, keyed without the address)."""

    @pytest.fixture
    def app_config(self):
        """A low limit, so the test stays short."""
        return {"STAFF_LOGIN_CLIENT_LIMIT": "4 per minute"}

    def test_a_client_trying_many_accounts_is_stopped(self, client, session):
        emails = [f"guess{n}@example.org" for n in range(5)]
        statuses = [_attempt(client, email, "wrong password here").status_code for email in emails]
        assert statuses == [200, 200, 200, 200, 429]

    def test_the_limit_applies_to_attempts_not_to_loading_the_form(self, client):
        for _ in range(6):
            assert client.get("/staff/login").status_code == 200


class TestLockExpiry:
    """A lock is a pause, not a ban: the owner signs in once it has run out."""

    @pytest.fixture
    def app_config(self):
        return {"STAFF_LOGIN_LOCK_SECONDS": 1}

    def test_the_right_password_works_again_when_the_lock_runs_out(self, client, session, fresh_code):
        import time

        victim = make_user(session)
        _fail_times(client, victim.email, 6)
        assert FAILED in _attempt(client, victim.email, STAFF_PASSWORD, fresh_code(victim)).get_data(as_text=True)
        time.sleep(1.5)  # the lock's storage expiry is wall-clock time (Flask-Limiter's storage)
        response = _attempt(client, victim.email, STAFF_PASSWORD, fresh_code(victim))
        assert response.headers["Location"] == "/staff/"
