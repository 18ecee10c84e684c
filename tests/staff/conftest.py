"""Staff tests run on a clock they control: sessions expire and TOTP steps pass without waiting."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from sqlmodel import select

from tests.conftest import csrf_token, login_as, next_totp_code
from tests.factories import make_user
from tracker.models import utcnow
from tracker.staff import clock


class FakeClock:
    """A stopped clock that moves only when told to."""

    def __init__(self, start: datetime):
        self.moment = start

    def now(self) -> datetime:
        """The current fake time."""
        return self.moment

    def advance(self, seconds: float = 30) -> None:
        """Move time forward."""
        self.moment += timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def staff_clock(monkeypatch) -> FakeClock:
    """Replace tracker.staff.clock.now for the whole test."""
    fake = FakeClock(utcnow().replace(microsecond=0))
    monkeypatch.setattr(clock, "now", fake.now)
    return fake


@pytest.fixture
def fresh_code(staff_clock) -> Callable:
    """A TOTP code for a user in a new time step (each code is accepted only once)."""
    def make(user, secret: str | None = None) -> str:
        staff_clock.advance(30)
        return next_totp_code(user, secret)

    return make


@pytest.fixture
def sign_in(staff_clock) -> Callable:
    """login_as in a new time step, so a test may sign in as often as it likes."""
    def make(client, user, password: str | None = None):
        staff_clock.advance(30)
        return login_as(client, user, password)

    return make


@pytest.fixture
def admin_client(app, session, sign_in):
    """A client signed in as an admin."""
    admin = make_user(session, "admin")
    client = app.test_client()
    sign_in(client, admin)
    client.admin = admin
    return client


@pytest.fixture
def second_admin(app, session, sign_in):
    """Another admin's browser, to approve what the first asked for (tracker.staff.approvals)."""
    admin = make_user(session, "admin")
    client = app.test_client()
    sign_in(client, admin)
    client.admin = admin

    def approve(user_id: int):
        """Apply the pending request about this account; return the response."""
        from tracker.models import AccessRequest

        session.expire_all()
        row = session.exec(select(AccessRequest).where(AccessRequest.user_id == user_id,
                                                       AccessRequest.status == "pending")).one()
        return client.post(f"/staff/admin/requests/{row.id}/apply",
                           data={"csrf_token": csrf_token(client, "/staff/admin/users")})

    client.approve = approve
    return client
