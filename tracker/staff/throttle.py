"""Per-account login throttling: too many failures in a minute lock that account for a while.

The counters are keyed by a keyed digest of the typed email, known or not, so an unknown email
locks exactly like a real one and the lock reveals nothing about which accounts exist. Only the
account under attack is locked, never the login page for everyone; the per-client limit on the
login route (tracker.limits) is the other half (issue 5, §3). Counters live in tracker.limits'
storage (memory, or Redis shared by several app servers), which exists even when route limits
are turned off; no address is involved.
"""
from __future__ import annotations

from flask import current_app

from ..crypto import get_sealer
from ..limits import counters

FAILURE_WINDOW_SECONDS = 60


def _account_key(email: str) -> str:
    return get_sealer().token_digest("login-throttle", email.strip().lower())[:40]


def _settings() -> tuple[int, int]:
    """(failures allowed per window, lock duration in seconds), overridable in configuration."""
    config = current_app.config
    return int(config.get("STAFF_LOGIN_MAX_FAILURES", 5)), int(config.get("STAFF_LOGIN_LOCK_SECONDS", 900))


def is_locked(email: str) -> bool:
    """Whether logins for this email are locked right now."""
    return counters().get(f"staff-login-lock/{_account_key(email)}") > 0


def note_failure(email: str) -> bool:
    """Count a failed login for this email; lock it when over the limit. Return whether locked."""
    key = _account_key(email)
    allowed, lock_seconds = _settings()
    failures = counters().incr(f"staff-login-failures/{key}", FAILURE_WINDOW_SECONDS)
    if failures > allowed:
        counters().incr(f"staff-login-lock/{key}", lock_seconds)
        return True
    return False
