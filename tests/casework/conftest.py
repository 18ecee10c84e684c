"""Fixtures for casework tests: a signed-in caseworker's client."""
import pytest

from tests.conftest import login_as
from tests.factories import make_user


@pytest.fixture
def caseworker(session):
    """A caseworker account."""
    return make_user(session, "caseworker")


@pytest.fixture
def signed_in(client, caseworker):
    """The test client, signed in as the caseworker through the real login form."""
    response = login_as(client, caseworker)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return client
