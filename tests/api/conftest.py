"""Fixtures for the staff API tests: personal bearer tokens for a role."""
import pytest

from tests.factories import make_user
from tracker.api.tokens import issue_token


@pytest.fixture
def bearer(session):
    """A function: role -> Authorization header of a new account of that role (none for None)."""
    def headers(role: str | None = "caseworker") -> dict[str, str]:
        if role is None:
            return {}
        _row, token = issue_token(session, make_user(session, role).id, "script")
        session.commit()
        return {"Authorization": f"Bearer {token}"}
    return headers


@pytest.fixture
def auth(bearer):
    """A caseworker's Authorization header."""
    return bearer()
