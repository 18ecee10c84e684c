"""Personal API tokens: made with a code, shown once, stored as digests, revocable, role-scoped."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.conftest import csrf_token, post_form
from tests.factories import STAFF_PASSWORD, make_user
from tracker.api.tokens import issue_token, token_required
from tracker.models import ApiToken, AuditEvent


def _make_token(client, user, code: str, name: str = "weekly script") -> str:
    page = post_form(client, "/staff/account/tokens",
                     {"name": name, "current_password": STAFF_PASSWORD, "otp": code})
    return re.search(r'class="one-time-secret">([^<]+)<', page.get_data(as_text=True)).group(1)


def _me(client, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/me", headers=headers)


def test_token_is_shown_once_stored_as_a_digest_and_works(client, session, sign_in, fresh_code):
    user = make_user(session, "analyst")
    sign_in(client, user)
    token = _make_token(client, user, fresh_code(user))
    row = session.exec(select(ApiToken)).one()
    assert token not in row.token_digest and len(row.token_digest) == 64
    assert token not in client.get("/staff/account/tokens").get_data(as_text=True)
    response = _me(client.application.test_client(), token)
    assert response.status_code == 200
    assert response.get_json() == {"user_id": user.id, "role": "analyst", "token": "weekly script"}
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "staff.api_token_create")).one()


def test_making_a_token_needs_a_valid_code(client, session, sign_in):
    user = make_user(session)
    sign_in(client, user)
    page = post_form(client, "/staff/account/tokens",
                     {"name": "x", "current_password": STAFF_PASSWORD, "otp": "000000"})
    assert page.status_code == 302
    assert session.exec(select(ApiToken)).all() == []


def test_revoked_token_stops_working(client, session, sign_in, fresh_code):
    user = make_user(session)
    sign_in(client, user)
    token = _make_token(client, user, fresh_code(user))
    row = session.exec(select(ApiToken)).one()
    client.post(f"/staff/account/tokens/{row.id}/revoke",
                data={"csrf_token": csrf_token(client, "/staff/account/tokens")})
    assert _me(client, token).status_code == 401


def test_someone_elses_token_cannot_be_revoked(client, session, sign_in):
    owner, other = make_user(session), make_user(session)
    row, token = issue_token(session, owner.id, "theirs")
    session.commit()
    sign_in(client, other)
    response = client.post(f"/staff/account/tokens/{row.id}/revoke",
                           data={"csrf_token": csrf_token(client, "/staff/account/tokens")})
    assert response.status_code == 404
    assert _me(client, token).status_code == 200


def test_deactivating_the_owner_disables_the_token(client, session):
    user = make_user(session)
    _row, token = issue_token(session, user.id, "script")
    session.commit()
    user.active = False
    session.commit()
    assert _me(client, token).status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer tnr_forged", "Basic dXNlcjpwYXNz", "tnr_abc"])
def test_missing_or_bad_tokens_get_401_json(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.fixture
def app_with_admin_endpoint(app):
    """The app plus one endpoint only admins' tokens may call, to test role scoping."""
    app.add_url_rule("/api/v1/test-admin-only", "test_admin_only", token_required("admin")(lambda: {"ok": True}))
    return app


@pytest.mark.parametrize(("role", "status"), [("caseworker", 403), ("analyst", 403), ("admin", 200)])
def test_tokens_act_with_their_owners_role(app_with_admin_endpoint, session, role, status):
    user = make_user(session, role)
    _row, token = issue_token(session, user.id, "script")
    session.commit()
    client = app_with_admin_endpoint.test_client()
    assert client.get("/api/v1/test-admin-only", headers={"Authorization": f"Bearer {token}"}).status_code == status


def test_openapi_documents_the_bearer_scheme(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert document["paths"]["/me"]["get"]["security"] == [{"bearerToken": []}]
