"""The caseworker's inbox of notices, and follow-ups scheduled on a case (issue 12 §5)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import abort, render_template, request
from flask_babel import gettext as _
from sqlmodel import select

from ...db import get_session
from ...models import FollowUp
from ...notify.notices import mark_read, schedule_follow_up, unread
from ..cases import get_case
from ..errors import Conflict
from . import bp, caseworker_only, done, refused, user_id

MAX_EVERY_DAYS = 3660


@bp.get("/inbox")
@caseworker_only
def inbox():
    """What waits for you: urgent reports, reporters' replies, due follow-ups (newest first)."""
    return render_template("casework/inbox.html", notices=unread(get_session(), user_id()))


@bp.post("/inbox/<int:notice_id>/read")
@caseworker_only
def read_notice(notice_id: int):
    """Mark one of your notices read."""
    if not mark_read(get_session(), user_id(), notice_id):
        abort(404)
    return done(_("Marked as read."), "casework.inbox")


@bp.post("/cases/<int:case_id>/follow-ups")
@caseworker_only
def add_follow_up(case_id: int):
    """Schedule a follow-up on a case: what to do, from when, and every how many days."""
    session = get_session()
    case = get_case(session, case_id)
    what = request.form.get("what", "").strip()
    every = request.form.get("every_days", "").strip()
    try:
        first = date.fromisoformat(request.form.get("first_due", ""))
    except ValueError:
        return refused(Conflict(_("Give the first date as YYYY-MM-DD.")), "casework.case", case_id=case.id)
    if not what or len(what) > 500:
        return refused(Conflict(_("Say what to do (at most 500 characters).")), "casework.case", case_id=case.id)
    if every and not (every.isdigit() and 1 <= int(every) <= MAX_EVERY_DAYS):
        return refused(Conflict(_("Repeat every 1 to 3660 days, or leave it empty for once.")),
                       "casework.case", case_id=case.id)
    schedule_follow_up(session, case, what, first_due=datetime.combine(first, time.min, UTC),
                       every_days=int(every) if every else None, user_id=user_id())
    return done(_("Follow-up scheduled."), "casework.case", case_id=case.id)


def case_follow_ups(case_id: int) -> list[FollowUp]:
    """The active follow-ups of a case, soonest first (for the case page)."""
    return list(get_session().exec(select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.active.is_(True))
                                   .order_by(FollowUp.next_due_at)).all())
