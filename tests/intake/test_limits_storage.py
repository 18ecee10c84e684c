"""limits.admit counts alike in memory and in Redis (where one script tests and counts at once)."""
from __future__ import annotations

import secrets

import pytest

from tracker.limits import admit


@pytest.fixture(params=["memory://", "redis://127.0.0.1:6379/0"])
def app_config(request):
    return {"RATELIMIT_STORAGE_URI": request.param}


def test_a_request_counts_in_every_budget_or_in_none(app):
    scope = f"test-{secrets.token_hex(8)}"  # Redis outlives the test: a scope of its own
    own, everyone = ("2 per minute", f"{scope}-own", "pass:a"), ("3 per minute", f"{scope}-all", "everyone")
    other = ("2 per minute", f"{scope}-own", "pass:b")
    with app.app_context():
        assert ("tracker.admit_script" in app.extensions) == app.config["RATELIMIT_STORAGE_URI"].startswith("redis")
        assert admit([own, everyone]) and admit([own, everyone])
        assert not admit([own, everyone])  # its own budget is spent...
        assert not admit([own, everyone])  # ...and refusals spend nobody else's
        assert admit([other, everyone])  # so another pass still gets the last shared place
        assert not admit([other, everyone])  # now everyone's budget is spent
