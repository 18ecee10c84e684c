"""Login and logout: email, password and second factor in one form, then a fresh session."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlmodel import Session, select

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from .. import orgkey
from ..audit import record
from ..db import get_session
from ..limits import limiter
from ..models import StaffSession, User
from . import bp, clock, throttle
from .auth import StaffPrincipal, first_login_required, role_required
from .passwords import MAX_LENGTH, current_parameters, needs_rehash, hash_password, verify_password
from .second_factor import check_second_factor
from .sessions import end_session, session_id, start_session

SUCCESS = ("totp", "recovery", "enrolment")


def client_login_limit() -> str:
    """The per-client limit on login attempts (tracker.limits keys it without the address)."""
    return current_app.config.get("STAFF_LOGIN_CLIENT_LIMIT", "30 per minute")


def safe_next(target: str | None) -> str | None:
    """``next`` if it is a same-site relative path, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target):
        return None
    return target


def authenticate(db: Session, email: str, password: str, otp: str) -> tuple[User | None, str]:
    """Check the three fields; return the account (if any) and an outcome (SUCCESS or a failure)."""
    locked = throttle.is_locked(email)
    user = db.exec(select(User).where(User.email == email)).first() if email else None
    # One Argon2id verification on every path, so an unknown email, a wrong password and a
    # locked account all cost the same time (issue 5, §1: no account enumeration by timing).
    too_long = len(password) > MAX_LENGTH
    password_ok = verify_password(None if user is None or too_long else user.password_hash,
                                  password[:MAX_LENGTH])
    if locked:
        return user, "locked"
    if user is None:
        return None, "unknown_account"
    if not password_ok:
        return user, "password"
    if not user.active:
        return user, "inactive"
    if not user.totp_confirmed:
        return user, "enrolment"
    return user, check_second_factor(db, user, otp) or "second_factor"


def sign_in(db: Session, user: User, *, second_factor_done: bool,
            organisation_key: tuple[str, X25519PrivateKey] | None = None) -> None:
    """Start a new server-side session in a fresh cookie (no session fixation), carrying the
    organisation key if the person opened it (with their password, or from their last session)."""
    language = session.get("lang")
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the old session's token for this request
    if language:
        session["lang"] = language
    token = start_session(db, user.id, second_factor_done=second_factor_done, organisation_key=organisation_key)
    db.commit()
    login_user(StaffPrincipal(user, token, db.get(StaffSession, session_id(token))))
    # Flask-Login also stores a hash of the client's address and browser; no address is kept
    # anywhere, not even hashed in a cookie (DESIGN §2).
    session.pop("_id", None)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(client_login_limit, methods=["POST"])
def login():
    """The staff login form; every failure gets the same answer."""
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("staff/login.html", next=target)
    email = request.form.get("email", "").strip().lower()[:254]
    db = get_session()
    user, outcome = authenticate(db, email, request.form.get("password", ""), request.form.get("otp", ""))
    if outcome not in SUCCESS:
        throttle.note_failure(email)
        # Nobody is known to be acting, so no user_id; the object is the account tried, if any.
        record(db, "staff.login", object_type="user", object_id=user.id if user else None,
               outcome="failure", detail={"reason": outcome})
        db.commit()
        flash(_("Sign-in failed. Check your email, password and code, or wait a few minutes."), "error")
        return render_template("staff/login.html", next=target), 200
    return _finish_login(db, user, outcome, request.form.get("password", ""), target)


def _finish_login(db: Session, user: User, outcome: str, password: str, target: str | None):
    """Record the login, upgrade an outdated hash, and send the person on."""
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = clock.now()
    record(db, "staff.login", user_id=user.id, object_type="user", object_id=user.id,
           detail={"second_factor": outcome})
    if user.key_public is None:
        # An account from before the organisation key: give it a key pair now that the password
        # is at hand, so an admin can grant it access (or `flask keys migrate` the first admin).
        orgkey.provision_personal_key(user, password[:MAX_LENGTH], current_parameters())
    organisation_key = orgkey.open_with_password(user, password[:MAX_LENGTH], current_parameters())
    sign_in(db, user, second_factor_done=outcome != "enrolment", organisation_key=organisation_key)
    if outcome == "enrolment":
        return redirect(url_for("staff.first_login"))
    return redirect(target or url_for("staff.home"))


@bp.post("/logout")
@first_login_required
def logout():
    """End this session on the server, then forget the cookie."""
    db = get_session()
    end_session(db, current_user.token)
    record(db, "staff.logout", user_id=current_user.id, object_type="user", object_id=current_user.id)
    db.commit()
    logout_user()
    session.clear()
    g.pop("csrf_token", None)
    flash(_("You are signed out."), "info")
    return redirect(url_for("staff.login"))


@bp.get("/")
@role_required()
def home():
    """The staff start page."""
    return render_template("staff/home.html")
