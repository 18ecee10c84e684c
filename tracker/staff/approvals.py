"""Access requests: giving an account more access takes two admins, or one admin and time.

States infiltrate diaspora organisations (issue 16 §4), so no single admin account, phished or
coerced, can quietly open the case files to someone: granting the organisation key, widening an
account's communities and resetting its second factor (which hands out a one-time password) are
filed as requests. Another active admin applies or refuses each one. An organisation with a
single admin may apply its own request once ACCESS_CHANGE_DELAY_HOURS have passed; until then
every admin sees it on the accounts page and the audit log records it (the notification).
Taking access away (deactivation) needs nobody's approval.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session, delete, select

from .. import orgkey
from ..audit import record
from ..db import get_session
from ..models import AccessRequest, RecoveryCode, User
from ..taxonomy import COMMUNITIES
from . import bp, clock
from .auth import role_required
from .keys import held_organisation_key, set_password
from .passwords import one_time_password
from .sessions import end_user_sessions
from ..api.tokens import revoke_user_tokens

KINDS = ("grant", "communities", "reset_second_factor")
# Beyond the taxonomy's communities: every community, and records with no community yet.
SCOPES = ("*", "unassigned")


def community_choices() -> list[str]:
    """What an account's communities may be set to."""
    return [*SCOPES, *(term.code for term in COMMUNITIES)]


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def other_admins(db: Session, admin_id: int) -> int:
    """How many other active admins could approve a request of this admin's."""
    rows = db.exec(select(User.id).where(User.role == "admin", User.active, User.id != admin_id)).all()
    return len(rows)


def file_request(db: Session, user: User, kind: str, *, requester_id: int, communities: list[str] | None = None
                 ) -> AccessRequest:
    """File a request; with no other admin to approve it, it waits for the delay instead."""
    if kind not in KINDS:
        raise ValueError(kind)
    moment = clock.now()
    delay = timedelta(hours=float(current_app.config.get("ACCESS_CHANGE_DELAY_HOURS", 24)))
    row = AccessRequest(user_id=user.id, kind=kind, communities=communities, requested_by_id=requester_id,
                        requested_at=moment, not_before=moment if other_admins(db, requester_id) else moment + delay)
    db.add(row)
    db.flush()
    record(db, "access.request", user_id=requester_id, object_type="user", object_id=user.id,
           detail={"kind": kind, "request": row.id, "communities": communities or []})
    return row


def pending_requests(db: Session) -> list[AccessRequest]:
    """Every request still waiting, oldest first."""
    return list(db.exec(select(AccessRequest).where(AccessRequest.status == "pending")
                        .order_by(AccessRequest.requested_at, AccessRequest.id)).all())


def may_apply(db: Session, row: AccessRequest, admin_id: int, moment: datetime) -> bool:
    """Another admin may apply it at once; its own requester only when alone and after the delay."""
    if row.status != "pending":
        return False
    if row.requested_by_id != admin_id:
        return True
    return other_admins(db, admin_id) == 0 and moment >= _as_utc(row.not_before)


def apply_request(db: Session, row: AccessRequest, admin_id: int) -> str | None:
    """Carry the change out from this admin's session; a reset returns the new one-time password."""
    user = db.get(User, row.user_id)
    password = None
    if row.kind == "grant":
        held = held_organisation_key()
        if held is None or user.key_public is None:
            raise PermissionError("no organisation key in this session, or no key pair on the account")
        orgkey.grant(user, *held)
    elif row.kind == "communities":
        user.communities = sorted(set(row.communities or []))
    elif row.kind == "reset_second_factor":
        password = _reset_second_factor(db, user)
    row.status, row.decided_by_id, row.decided_at = "applied", admin_id, clock.now()
    record(db, "access.apply", user_id=admin_id, object_type="user", object_id=user.id,
           detail={"kind": row.kind, "request": row.id})
    return password


def _reset_second_factor(db: Session, user: User) -> str:
    """A new one-time password and key pair (granted again from this admin's key), no TOTP
    secret until the person's own next sign-in, no recovery codes, no live session."""
    password = one_time_password()
    set_password(user, password, regrant_with=held_organisation_key())
    user.must_change_password = True
    user.totp_secret, user.totp_confirmed, user.totp_last_step = None, False, None
    db.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_user_sessions(db, user.id)
    revoke_user_tokens(db, user.id)
    return password


@bp.post("/admin/requests/<int:request_id>/apply")
@role_required("admin")
def apply_access_request(request_id: int):
    """Apply a request (another admin's, or one's own after the delay in a one-admin organisation)."""
    db = get_session()
    row = db.get(AccessRequest, request_id)
    if row is None:
        abort(404)
    if not may_apply(db, row, current_user.id, clock.now()):
        flash(_("Another admin must approve this, or, if you are the only admin, wait until %(time)s UTC.",
                time=_as_utc(row.not_before).strftime("%Y-%m-%d %H:%M")), "error")
        return redirect(url_for("staff.list_users"))
    try:
        password = apply_request(db, row, current_user.id)
    except PermissionError:
        flash(_("Your own session has no access to case data, so you cannot grant it."), "error")
        return redirect(url_for("staff.list_users"))
    db.commit()
    if password is not None:
        return render_template("staff/admin_second_factor_reset.html", user=db.get(User, row.user_id),
                               password=password)
    flash(_("The change is applied."), "info")
    return redirect(url_for("staff.list_users"))


@bp.post("/admin/requests/<int:request_id>/refuse")
@role_required("admin")
def refuse_access_request(request_id: int):
    """Refuse a pending request (any admin may, the requester included)."""
    db = get_session()
    row = db.get(AccessRequest, request_id)
    if row is None or row.status != "pending":
        abort(404)
    row.status, row.decided_by_id, row.decided_at = "refused", current_user.id, clock.now()
    record(db, "access.refuse", user_id=current_user.id, object_type="user", object_id=row.user_id,
           detail={"kind": row.kind, "request": row.id})
    db.commit()
    flash(_("The request is refused."), "info")
    return redirect(url_for("staff.list_users"))


@bp.post("/admin/users/<int:user_id>/communities")
@role_required("admin")
def request_communities(user_id: int):
    """Ask to set the communities an account may see (narrowing too goes through a request, so
    the two admins see the whole new list)."""
    db = get_session()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    chosen = [code for code in request.form.getlist("communities") if code in community_choices()]
    file_request(db, user, "communities", requester_id=current_user.id, communities=chosen)
    db.commit()
    flash(_("The change waits for another admin's approval (or the delay, if you are the only admin)."), "info")
    return redirect(url_for("staff.list_users"))


@bp.post("/admin/users/<int:user_id>/grant-access")
@role_required("admin")
def grant_access(user_id: int):
    """Ask to give an account access to personal data (the organisation key sealed to its key
    pair); another admin applies it (tracker.staff.approvals)."""
    db = get_session()
    user = db.get(User, user_id)
    held = held_organisation_key()
    if user is None or not user.active or user.key_public is None:
        flash(_("This account cannot be given access yet: it must exist, be active and have signed in once."),
              "error")
    elif held is None:
        flash(_("Your own session has no access to case data, so you cannot grant it."), "error")
    else:
        file_request(db, user, "grant", requester_id=current_user.id)
        db.commit()
        flash(_("The grant waits for another admin's approval (or the delay, if you are the only admin)."), "info")
    return redirect(url_for("staff.list_users"))
