"""Who is signed in (Flask-Login over server-side sessions) and the ``role_required`` check.

Flask-Login keeps only the opaque session token in the signed session cookie (``get_id()``
returns it); every request looks the token's digest up in ``staff_session``. A session that has
not passed the second factor, or whose user must still change a one-time password, is not
"authenticated": it can reach only the first-login pages (DESIGN §2: mandatory TOTP).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, jsonify, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user

from .. import keyholder, orgkey
from ..db import get_session
from ..models import StaffSession, User
from .accounts import ROLES
from .scope import set_scope
from .sessions import SESSION_KEY_PURPOSE, find_live_session

login_manager = LoginManager()
# Flask-Login's session protection stores a hash of the client's address and user agent in the
# cookie; no address is kept anywhere (DESIGN §2), and server-side sessions do that job instead.
login_manager.session_protection = None


class StaffPrincipal(UserMixin):
    """The signed-in staff member for this request: the account and its live session."""

    def __init__(self, user: User, token: str, staff_session: StaffSession):
        self.user = user
        self.token = token
        self.staff_session = staff_session
        # The organisation key this session carries (opened with the cookie's token), if granted.
        self.organisation_key = orgkey.open_for_token(token, SESSION_KEY_PURPOSE, staff_session.org_key_wrapped)

    @property
    def has_case_data_access(self) -> bool:
        """Whether this session can open personal data (the account was granted the key)."""
        return self.organisation_key is not None

    def get_id(self) -> str:
        """The session token, so ending the session row ends the login (Flask-Login docs)."""
        return self.token

    @property
    def id(self) -> int:
        """The account id (what the audit log records)."""
        return self.user.id

    @property
    def role(self) -> str:
        """The account's role: caseworker, analyst or admin."""
        return self.user.role

    @property
    def email(self) -> str:
        """The account's email address."""
        return self.user.email

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in."""
        return self.user.active

    @property
    def needs_first_login_steps(self) -> bool:
        """Whether the one-time password or TOTP enrolment is still pending."""
        return self.user.must_change_password or not self.user.totp_confirmed

    @property
    def is_authenticated(self) -> bool:
        """Fully signed in: active, second factor passed, no pending first-login step."""
        return (self.user.active and self.staff_session.second_factor_done
                and not self.needs_first_login_steps)


@login_manager.user_loader
def load_principal(token: str) -> StaffPrincipal | None:
    """The principal for a session token, or None (unknown, expired or deactivated)."""
    db = get_session()
    row = find_live_session(db, token)
    if row is None:
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        return None
    principal = StaffPrincipal(user, token, row)
    if principal.is_authenticated and principal.organisation_key is not None:
        # Only a fully signed-in session opens personal data (DESIGN §2), for this request only.
        keyholder.hold_for_request(*principal.organisation_key)
    return principal


@login_manager.unauthorized_handler
def unauthorized() -> Any:
    """Not signed in: 401 JSON for the API, otherwise the login page with a safe ``next``."""
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message="Sign in with a personal API token."), 401
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("staff.login", next=target))


def role_required(*roles: str) -> Callable:
    """Allow fully signed-in staff with one of ``roles`` (any staff role if none are given)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            set_scope(current_user.id, current_user.user.communities)  # need to know (issue 16 §4)
            return view(*args, **kwargs)

        guarded.allowed_roles = roles or ROLES  # read by the authorization matrix test
        return guarded

    return decorate


def first_login_required(view: Callable) -> Callable:
    """Allow a signed-in session that still has first-login steps (password, enrolment) to do."""
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not isinstance(current_user, StaffPrincipal):
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return guarded
