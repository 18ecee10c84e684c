"""First login: replace the one-time password, then enrol the authenticator app (mandatory TOTP)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record
from ..db import get_session
from ..models import User
from . import bp, clock
from .accounts import new_totp_secret, totp_uri
from .auth import first_login_required
from .login import sign_in
from .keys import held_organisation_key, set_password
from .passwords import password_problem
from .second_factor import enrolment_qr_svg, issue_recovery_codes, matching_step
from .sessions import end_user_sessions

PASSWORD_MESSAGES = {
    "too_short": "Use at least 12 characters; a few unrelated words are easy to remember.",
    "too_long": "Use at most 128 characters.",
    "common": "This password is too common or too easy to guess. Choose another.",
    "contains_email": "Do not use your email address in your password.",
    "mismatch": "The two new passwords do not match.",
}


def new_password_problem(email: str) -> str | None:
    """Check the ``new_password`` and ``confirm_password`` fields of the current form."""
    new = request.form.get("new_password", "")
    if new != request.form.get("confirm_password", ""):
        return "mismatch"
    return password_problem(new, email)


@bp.get("/first-login")
@first_login_required
def first_login():
    """Send a half-signed-in person to the next step they still have to do."""
    user = current_user.user
    if user.must_change_password:
        return redirect(url_for("staff.first_login_password"))
    if not user.totp_confirmed:
        return redirect(url_for("staff.enrol_second_factor"))
    return redirect(url_for("staff.home"))


@bp.route("/first-login/password", methods=["GET", "POST"])
@first_login_required
def first_login_password():
    """Replace the one-time password an admin handed over."""
    user = current_user.user
    if not user.must_change_password:
        return redirect(url_for("staff.first_login"))
    if request.method == "POST":
        problem = new_password_problem(user.email)
        if problem is None:
            db = get_session()
            db.add(user)
            set_password(user, request.form["new_password"], regrant_with=held_organisation_key())
            user.must_change_password = False
            record(db, "staff.password_change", user_id=user.id, object_type="user", object_id=user.id,
                   detail={"first_login": True})
            db.commit()
            return redirect(url_for("staff.first_login"))
        flash(_(PASSWORD_MESSAGES[problem]), "error")
    return render_template("staff/first_login_password.html")


@bp.route("/first-login/second-factor", methods=["GET", "POST"])
@first_login_required
def enrol_second_factor():
    """Show the QR code of the account's TOTP secret and confirm it with a first code."""
    user = current_user.user
    if user.must_change_password or user.totp_confirmed:
        return redirect(url_for("staff.first_login"))
    if user.totp_secret is None:
        # Made here, at the person's own first sign-in, and shown only to them (issue 16 §6).
        db = get_session()
        db.add(user)
        user.totp_secret = new_totp_secret()
        db.commit()
    if request.method == "POST":
        step = matching_step(user.totp_secret, request.form.get("otp", ""), clock.now(), None)
        if step is not None:
            return _confirm_enrolment(user, step)
        flash(_("That code did not match. Check the time on your phone and try the next code."), "error")
    uri = totp_uri(user, user.totp_secret)
    return render_template("staff/enrol.html", qr_svg=enrolment_qr_svg(uri), secret=user.totp_secret,
                           form_action=url_for("staff.enrol_second_factor"))


def _confirm_enrolment(user: User, step: int) -> str:
    """Mark the factor confirmed, issue recovery codes, and start a fresh full session."""
    db = get_session()
    db.add(user)
    user.totp_confirmed = True
    user.totp_last_step = step
    codes = issue_recovery_codes(db, user.id)
    end_user_sessions(db, user.id)
    record(db, "staff.second_factor_enrol", user_id=user.id, object_type="user", object_id=user.id)
    held = held_organisation_key()
    db.commit()
    sign_in(db, user, second_factor_done=True, organisation_key=held)
    return render_template("staff/recovery_codes.html", codes=codes)
