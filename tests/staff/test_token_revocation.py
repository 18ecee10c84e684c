"""API tokens end with the sessions: a password change, a second-factor change or reset and a
deactivation revoke them, so a token does not outlive what it was made under (issue 16, item 5)."""
from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import csrf_token, post_form
from tests.factories import STAFF_PASSWORD, make_user
from tracker.api.tokens import issue_token, revoke_user_tokens
from tracker.models import ApiToken

NEW_PASSWORD = "lantern orchard seventy kites"


def _token(session, user) -> str:
    _row, token = issue_token(session, user.id, "script")
    session.commit()
    return token


def _works(app, token: str) -> bool:
    status = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
    assert status in (200, 401)
    return status == 200


def test_revoking_a_users_tokens_spares_everyone_elses(app, session):
    user, other = make_user(session), make_user(session)
    mine, theirs = _token(session, user), _token(session, other)
    assert revoke_user_tokens(session, user.id) == 1
    session.commit()
    assert not _works(app, mine) and _works(app, theirs)
    assert revoke_user_tokens(session, user.id) == 0  # already revoked ones stay as they were


def test_a_password_change_revokes_the_tokens(app, client, session, sign_in, fresh_code):
    user = make_user(session)
    token = _token(session, user)
    sign_in(client, user)
    assert _works(app, token)
    post_form(client, "/staff/account/password", {"current_password": STAFF_PASSWORD, "otp": fresh_code(user),
                                                  "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert session.exec(select(ApiToken)).one().revoked_at is not None
    assert not _works(app, token)


@pytest.mark.parametrize("action", ["deactivate", "reset-second-factor"])
def test_an_admins_deactivation_or_second_factor_reset_revokes_the_tokens(app, admin_client, second_admin,
                                                                         session, action):
    worker = make_user(session)
    token = _token(session, worker)
    assert _works(app, token)
    admin_client.post(f"/staff/admin/users/{worker.id}/{action}",
                      data={"csrf_token": csrf_token(admin_client, "/staff/admin/users")})
    if action == "reset-second-factor":  # applied once a second admin approves
        second_admin.approve(worker.id)
    session.expire_all()
    assert session.exec(select(ApiToken)).one().revoked_at is not None
    if action == "deactivate":  # reactivating the account does not bring its tokens back
        admin_client.post(f"/staff/admin/users/{worker.id}/reactivate",
                          data={"csrf_token": csrf_token(admin_client, "/staff/admin/users")})
    assert not _works(app, token)
