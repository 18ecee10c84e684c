"""Fixtures for the staff API tests: personal bearer tokens for a role."""
import pytest

from tests.conftest import TEST_ORG_KID, TEST_ORG_PRIVATE
from tests.factories import make_user
from tracker.api.tokens import issue_token


@pytest.fixture
def bearer(session):
    """A function: role -> Authorization header of a new account of that role (none for None)."""
    def headers(role: str | None = "caseworker") -> dict[str, str]:
        if role is None:
            return {}
        # Made from a signed-in session holding the organisation key, as the token page does.
        _row, token = issue_token(session, make_user(session, role).id, "script",
                                  organisation_key=(TEST_ORG_KID, TEST_ORG_PRIVATE))
        session.commit()
        return {"Authorization": f"Bearer {token}"}
    return headers


@pytest.fixture
def auth(bearer):
    """A caseworker's Authorization header."""
    return bearer()
