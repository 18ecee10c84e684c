"""Staff login works when rate limits are turned off (issue 16, item 5: it was a 500), and the
per-account lock still applies then."""
from __future__ import annotations

import pytest

from tests.conftest import post_form
from tests.factories import make_user


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": False, "STAFF_LOGIN_MAX_FAILURES": 2}


def test_login_with_rate_limits_off_signs_in_and_still_locks_an_account(client, session, sign_in):
    user = make_user(session)
    assert sign_in(client, user).status_code == 302
    other = client.application.test_client()
    for _ in range(3):
        failed = post_form(other, "/staff/login", {"email": user.email, "password": "wrong", "otp": "000000"})
        assert failed.status_code == 200
    assert sign_in(other, user).status_code == 200, "the account is locked after too many failures"
