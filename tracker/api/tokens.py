"""Personal API tokens for the staff endpoints of /api/v1, and the ``token_required`` check.

A token is shown once when made; only its keyed digest is stored, so a copy of the database
yields no usable token. A token carries no role of its own: each request is judged by its
owner's current role and status, so deactivating an account or changing its role takes effect
on its tokens at once (issue 5, §8). Tokens travel in ``Authorization: Bearer``, which a
cross-site form cannot set, so the API needs no CSRF token.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import g, jsonify, request
from sqlalchemy import update
from sqlmodel import Session, select

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from .. import keyholder, orgkey
from ..crypto import get_sealer
from ..db import get_session
from ..models import ApiToken, User
from ..staff import clock
from ..staff.accounts import ROLES
from ..staff.scope import set_scope
from ..staff.sessions import as_utc
from . import bp

DIGEST_PURPOSE = "api-token"
KEY_PURPOSE = "api-token.organisation-key"
PREFIX = "tnr_"
# last_used_at is written at most this often, so an API client does not write on every call.
TOUCH_INTERVAL = timedelta(minutes=5)

OPENAPI_SECURITY_SCHEMES = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token made on the staff page \"My account → Personal API "
        "tokens\"; it acts with its owner's current role and stops working when revoked or when "
        "the account is deactivated.",
    }
}
OPENAPI_SCHEMAS = {
    "TokenOwner": {
        "type": "object",
        "required": ["user_id", "role", "token"],
        "properties": {
            "user_id": {"type": "integer"},
            "role": {"type": "string", "enum": list(ROLES)},
            "token": {"type": "string", "description": "The token's own name"},
        },
    }
}
OPENAPI_PATHS = {
    "/me": {
        "get": {
            "summary": "Who this token acts for: the owner's id and current role",
            "operationId": "getTokenOwner",
            "security": [{"bearerToken": []}],
            "responses": {
                "200": {"description": "The token's owner",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenOwner"}}}},
                "401": {"description": "No valid token",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }
    }
}


def _digest(token: str) -> str:
    return get_sealer().token_digest(DIGEST_PURPOSE, token)


def issue_token(db: Session, user_id: int, name: str,
                organisation_key: tuple[str, X25519PrivateKey] | None = None) -> tuple[ApiToken, str]:
    """Make a token for this user; return the row and the token (shown once, never stored).

    The organisation key of the session that makes it, if any, is wrapped under the token, so
    the API opens personal data exactly when the web session could (DESIGN §2)."""
    token = PREFIX + secrets.token_urlsafe(32)
    wrapped = orgkey.wrap_for_token(token, KEY_PURPOSE, *organisation_key) if organisation_key else None
    row = ApiToken(user_id=user_id, name=name.strip()[:100] or "token", token_digest=_digest(token),
                   created_at=clock.now(), org_key_wrapped=wrapped)
    db.add(row)
    db.flush()
    return row, token


def user_tokens(db: Session, user_id: int) -> list[ApiToken]:
    """A user's tokens, newest first, revoked ones included."""
    return list(db.exec(select(ApiToken).where(ApiToken.user_id == user_id)
                        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all())


def revoke_token(db: Session, user_id: int, token_id: int) -> ApiToken | None:
    """Revoke one of this user's own tokens; None if it is not theirs or already revoked."""
    row = db.get(ApiToken, token_id)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        return None
    row.revoked_at = clock.now()
    return row


def revoke_user_tokens(db: Session, user_id: int) -> int:
    """Revoke every live token of a user; return how many. Called wherever a user's sessions are
    ended (password or second-factor change, deactivation, second-factor reset): a token made
    under the old password or phone must not outlive it (issue 16, item 5)."""
    revoked = db.exec(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                      .values(revoked_at=clock.now()).execution_options(synchronize_session="fetch"))
    return revoked.rowcount


def token_owner(db: Session, header: str | None) -> tuple[User, ApiToken] | None:
    """The active owner and row of a live bearer token, or None."""
    token = _bearer(header)
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = db.exec(select(ApiToken).where(ApiToken.token_digest == _digest(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.active or not user.totp_confirmed:
        return None
    return user, row


def _bearer(header: str | None) -> str:
    """The token of an ``Authorization: Bearer`` header, or an empty string."""
    if not header or not header.startswith("Bearer "):
        return ""
    return header.removeprefix("Bearer ").strip()


def _error(status: int, code: str, message: str):
    response = jsonify(error=code, message=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
    return response


def token_required(*roles: str) -> Callable:
    """Allow API calls with a live personal token whose owner has one of ``roles`` (any if none)."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            db = get_session()
            found = token_owner(db, request.headers.get("Authorization"))
            if found is None:
                return _error(401, "unauthorized", "Send a valid personal API token as 'Authorization: Bearer ...'.")
            user, row = found
            if roles and user.role not in roles:
                return _error(403, "forbidden", "Your role may not use this endpoint.")
            moment = clock.now()
            if row.last_used_at is None or moment - as_utc(row.last_used_at) > TOUCH_INTERVAL:
                row.last_used_at = moment
                db.commit()
            g.api_user, g.api_token = user, row
            set_scope(user.id, user.communities)  # need to know (issue 16 §4)
            opened = orgkey.open_for_token(_bearer(request.headers.get("Authorization")), KEY_PURPOSE,
                                           row.org_key_wrapped)
            if opened is not None:
                keyholder.hold_for_request(*opened)
            return view(*args, **kwargs)

        guarded.allowed_roles = roles or ROLES  # read by the authorization matrix test
        return guarded

    return decorate


@bp.get("/me")
@token_required()
def get_token_owner():
    """Who this token acts for (a way for scripts to check their token)."""
    return jsonify(user_id=g.api_user.id, role=g.api_user.role, token=g.api_token.name)
