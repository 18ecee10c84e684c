"""Your own account: change the password or the second factor (both need the password and a code)."""
from __future__ import annotations

import base64

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session

from ..api.tokens import revoke_user_tokens
from ..audit import record
from ..crypto import SealError, get_sealer
from ..db import get_session
from ..models import User
from . import bp, clock, throttle
from .accounts import new_totp_secret, totp_uri
from .auth import role_required
from .first_login import PASSWORD_MESSAGES, new_password_problem
from .keys import held_organisation_key, set_password
from .login import sign_in
from .passwords import verify_password
from .second_factor import (
    check_second_factor, enrolment_qr_svg, issue_recovery_codes, matching_step, remaining_recovery_codes,
)
from .sessions import end_user_sessions

# A new TOTP secret waits in the (signed) session cookie until confirmed, sealed so a copied
# cookie does not reveal it; the old factor stays valid until then.
PENDING_FIELD = "pending_totp"
PENDING_PURPOSE = "staff.pending_totp"


def reauthenticate(db: Session, user: User) -> bool:
    """Check the ``current_password`` and ``otp`` fields; count failures like failed logins."""
    password_ok = verify_password(user.password_hash, request.form.get("current_password", "")[:128])
    if password_ok and check_second_factor(db, user, request.form.get("otp", "")):
        return True
    throttle.note_failure(user.email)
    record(db, "staff.reauthenticate", user_id=user.id, object_type="user", object_id=user.id,
           outcome="failure")
    db.commit()
    flash(_("Your current password or code was wrong."), "error")
    return False


def restart_sessions(db: Session, user: User) -> None:
    """End every session of this user (other browsers too) and continue in a fresh one."""
    held = held_organisation_key()
    end_user_sessions(db, user.id)
    revoke_user_tokens(db, user.id)  # tokens made under the old password or phone
    db.commit()
    sign_in(db, user, second_factor_done=True, organisation_key=held)


@bp.get("/account")
@role_required()
def account():
    """Your account: role, recovery codes left, and links to change things."""
    remaining = remaining_recovery_codes(get_session(), current_user.id)
    return render_template("staff/account.html", recovery_codes_left=remaining)


@bp.route("/account/password", methods=["GET", "POST"])
@role_required()
def change_password():
    """Change your password; every other session of yours ends."""
    if request.method == "POST":
        db = get_session()
        user = db.merge(current_user.user)
        problem = new_password_problem(user.email)
        if problem:
            flash(_(PASSWORD_MESSAGES[problem]), "error")
        elif reauthenticate(db, user):
            set_password(user, request.form["new_password"], regrant_with=held_organisation_key())
            record(db, "staff.password_change", user_id=user.id, object_type="user", object_id=user.id)
            restart_sessions(db, user)
            flash(_("Your password is changed. Your other sessions have ended."), "info")
            return redirect(url_for("staff.account"))
    return render_template("staff/change_password.html")


@bp.route("/account/second-factor", methods=["GET", "POST"])
@role_required()
def change_second_factor():
    """Start replacing your authenticator: check password and code, then show a new QR code."""
    if request.method == "POST":
        db = get_session()
        user = db.merge(current_user.user)
        if reauthenticate(db, user):
            db.commit()  # the code's time step is burnt
            secret = new_totp_secret()
            sealed = get_sealer().seal_text(PENDING_PURPOSE, secret)
            session[PENDING_FIELD] = base64.b64encode(sealed).decode()
            return render_template("staff/enrol.html", qr_svg=enrolment_qr_svg(totp_uri(user, secret)),
                                   secret=secret, form_action=url_for("staff.confirm_second_factor"))
    return render_template("staff/change_second_factor.html")


def _pending_secret() -> str | None:
    """The new secret waiting for confirmation in this session, if any."""
    stored = session.get(PENDING_FIELD)
    if not stored:
        return None
    try:
        return get_sealer().open_text(PENDING_PURPOSE, base64.b64decode(stored))
    except (SealError, ValueError):
        return None


@bp.post("/account/second-factor/confirm")
@role_required()
def confirm_second_factor():
    """Switch to the new authenticator once it produced a valid code; new recovery codes."""
    secret = _pending_secret()
    if secret is None:
        return redirect(url_for("staff.change_second_factor"))
    step = matching_step(secret, request.form.get("otp", ""), clock.now(), None)
    if step is None:
        flash(_("That code did not match. Start again."), "error")
        return redirect(url_for("staff.change_second_factor"))
    db = get_session()
    user = db.merge(current_user.user)
    user.totp_secret, user.totp_last_step, user.totp_confirmed = secret, step, True
    codes = issue_recovery_codes(db, user.id)
    record(db, "staff.second_factor_change", user_id=user.id, object_type="user", object_id=user.id)
    restart_sessions(db, user)
    return render_template("staff/recovery_codes.html", codes=codes)
