"""The staff side's clock, one function so tests can move time (session expiry, TOTP steps)."""
from __future__ import annotations

from datetime import datetime

from ..models import utcnow


def now() -> datetime:
    """The current aware UTC time; tests monkeypatch this to test timeouts without waiting."""
    return utcnow()
