"""The admin's view of the audit log: filter by action, user, object and date; newest first.

Pagination is by keyset (``before`` = the smallest id on the page), so a page costs the same
however deep into a long log it is, and events appended meanwhile do not shift the pages.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import render_template, request
from sqlmodel import Session, select

from ..db import get_session
from ..models import AuditEvent, User
from . import bp
from .auth import role_required

PAGE_SIZE = 50
FILTERS = ("action", "user_id", "object_type", "object_id", "since", "until")


def _parse_date(text: str | None) -> date | None:
    """A YYYY-MM-DD filter value, or None if absent or malformed."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _parse_int(text: str | None) -> int | None:
    """A positive integer filter value, or None."""
    return int(text) if text and text.isdigit() else None


def audit_query(filters: dict[str, Any], before: int | None, limit: int = PAGE_SIZE):
    """The select for one page of events matching the filters, newest first."""
    query = select(AuditEvent)
    if filters.get("action"):
        query = query.where(AuditEvent.action == filters["action"])
    if filters.get("user_id") is not None:
        query = query.where(AuditEvent.user_id == filters["user_id"])
    if filters.get("object_type"):
        query = query.where(AuditEvent.object_type == filters["object_type"])
    if filters.get("object_id"):
        query = query.where(AuditEvent.object_id == filters["object_id"])
    if filters.get("since"):
        query = query.where(AuditEvent.at >= datetime.combine(filters["since"], time.min, UTC))
    if filters.get("until"):
        end = datetime.combine(filters["until"] + timedelta(days=1), time.min, UTC)
        query = query.where(AuditEvent.at < end)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return query.order_by(AuditEvent.id.desc()).limit(limit)


def read_filters() -> dict[str, Any]:
    """The filters of the current request, parsed; malformed values are ignored."""
    args = request.args
    return {
        "action": args.get("action", "").strip()[:64] or None,
        "user_id": _parse_int(args.get("user_id")),
        "object_type": args.get("object_type", "").strip()[:32] or None,
        "object_id": args.get("object_id", "").strip()[:64] or None,
        "since": _parse_date(args.get("since")),
        "until": _parse_date(args.get("until")),
    }


def _choices(db: Session) -> tuple[list[str], list[tuple[int, str]]]:
    """Actions that occur in the log, and staff accounts, for the filter menus."""
    actions = db.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    users = db.exec(select(User.id, User.email).order_by(User.email)).all()
    return list(actions), [(row[0], row[1]) for row in users]


@bp.get("/admin/audit")
@role_required("admin")
def audit_log():
    """One page of the audit log, filtered; a link to the next (older) page if there is one."""
    db = get_session()
    filters = read_filters()
    events = db.exec(audit_query(filters, _parse_int(request.args.get("before")), PAGE_SIZE + 1)).all()
    older = events[PAGE_SIZE - 1].id if len(events) > PAGE_SIZE else None
    actions, users = _choices(db)
    kept = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    return render_template("staff/audit_log.html", events=events[:PAGE_SIZE], filters=filters,
                           actions=actions, users=users, emails=dict(users), older=older, kept=kept)
