"""Admin pages: create, deactivate and reactivate staff, reset a second factor, see who is active.

The first admin can only be made from the command line (``flask users create``); from then on
admins manage accounts here, and every change is written to the audit log.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session, select

from ..api.tokens import revoke_user_tokens
from ..audit import record
from ..db import get_session
from ..models import User
from ..taxonomy import COMMUNITIES
from .. import orgkey
from . import bp, clock
from .accounts import ROLES, AccountError, create_user
from .approvals import community_choices, file_request, may_apply, pending_requests
from .auth import role_required
from .sessions import end_user_sessions, live_session_counts


def _account(db: Session, user_id: int) -> User:
    """The account an admin acts on, or 404."""
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _refuse_self(user: User) -> bool:
    """Admins may not lock themselves out; say so and return True if they tried."""
    if user.id == current_user.id:
        flash(_("You cannot do this to your own account; ask another admin."), "error")
        return True
    return False


@bp.get("/admin/users")
@role_required("admin")
def list_users():
    """Every staff account, whether it is active, enrolled and currently signed in."""
    db = get_session()
    users = db.exec(select(User).order_by(User.active.desc(), User.email)).all()
    moment = clock.now()
    pending = [(row, may_apply(db, row, current_user.id, moment)) for row in pending_requests(db)]
    return render_template("staff/admin_users.html", users=users, sessions=live_session_counts(db),
                           pending=pending, emails={u.id: u.email for u in users},
                           community_choices=community_choices(),
                           community_labels={term.code: str(term.label) for term in COMMUNITIES})


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required("admin")
def create_account():
    """Create an account; its one-time password is shown once, here, to the admin."""
    if request.method == "POST":
        db = get_session()
        try:
            user, password = create_user(db, request.form.get("email", ""), request.form.get("role", ""),
                                         actor_id=current_user.id)
        except AccountError as exc:
            flash(_("The account was not created: %(reason)s", reason=str(exc)), "error")
        else:
            if user.role != "analyst":  # analysts see aggregates only and need no key
                file_request(db, user, "grant", requester_id=current_user.id)
            db.commit()
            return render_template("staff/admin_created.html", user=user, password=password)
    return render_template("staff/admin_new_user.html", roles=ROLES)


@bp.post("/admin/users/<int:user_id>/deactivate")
@role_required("admin")
def deactivate_account(user_id: int):
    """Deactivate an account: it cannot sign in, its sessions end, its API tokens stop working."""
    db = get_session()
    user = _account(db, user_id)
    if not _refuse_self(user):
        user.active = False
        orgkey.revoke_grant(user)  # reactivation grants it again, from an admin who holds it
        ended = end_user_sessions(db, user.id)
        revoke_user_tokens(db, user.id)
        record(db, "staff.deactivate", user_id=current_user.id, object_type="user", object_id=user.id,
               detail={"sessions_ended": ended})
        db.commit()
        flash(_("The account is deactivated and signed out everywhere."), "info")
    return redirect(url_for("staff.list_users"))


@bp.post("/admin/users/<int:user_id>/reactivate")
@role_required("admin")
def reactivate_account(user_id: int):
    """Let a deactivated account sign in again."""
    db = get_session()
    user = _account(db, user_id)
    user.active = True
    record(db, "staff.reactivate", user_id=current_user.id, object_type="user", object_id=user.id)
    if user.role != "analyst" and user.key_public is not None:
        file_request(db, user, "grant", requester_id=current_user.id)
    db.commit()
    flash(_("The account is active again."), "info")
    return redirect(url_for("staff.list_users"))


@bp.post("/admin/users/<int:user_id>/reset-second-factor")
@role_required("admin")
def reset_second_factor(user_id: int):
    """For a lost phone: a new TOTP secret to enrol at next sign-in; old codes and sessions die.

    The password is replaced by a one-time one too, shown once to the admin. Otherwise the
    password alone would open the enrolment page, and a password phished earlier would let
    the adversary enrol an authenticator app of their own: the second factor would be worth
    nothing exactly when it has just been reset.
    """
    db = get_session()
    user = _account(db, user_id)
    if _refuse_self(user):
        return redirect(url_for("staff.list_users"))
    # It hands out a one-time password: a second admin applies it (tracker.staff.approvals) and
    # sees that password once. Until then the person keeps their old factor.
    file_request(db, user, "reset_second_factor", requester_id=current_user.id)
    record(db, "staff.second_factor_reset", user_id=current_user.id, object_type="user",
           object_id=user.id, detail={"requested": True})
    db.commit()
    flash(_("The reset waits for another admin's approval (or the delay, if you are the only admin)."), "info")
    return redirect(url_for("staff.list_users"))
