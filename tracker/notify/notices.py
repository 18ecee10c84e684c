"""Filing notices: who hears about an urgent report, a reporter's reply, a due follow-up."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from ..models import Case, FollowUp, Notification, Report, User, utcnow

URGENT_REPORT = "urgent_report"
REPORTER_REPLY = "reporter_reply"
FOLLOW_UP_DUE = "follow_up_due"


def caseworkers_for(session: Session, community: str | None) -> list[int]:
    """Active caseworkers who may see records of this community (need to know)."""
    wanted = community or "unassigned"
    users = session.exec(select(User.id, User.communities).where(User.role == "caseworker", User.active)).all()
    return [uid for uid, communities in users if "*" in (communities or []) or wanted in (communities or [])]


def notify(session: Session, user_ids: Iterable[int], kind: str, object_type: str, object_id: int) -> int:
    """File one notice per person (no commit: it joins the change that caused it)."""
    rows = [Notification(user_id=uid, kind=kind, object_type=object_type, object_id=object_id)
            for uid in sorted(set(user_ids))]
    session.add_all(rows)
    return len(rows)


def report_recipients(session: Session, report: Report) -> list[int]:
    """The caseworker assigned to a report, or every caseworker of its community."""
    if report.assigned_to_id is not None:
        return [report.assigned_to_id]
    return caseworkers_for(session, report.community)


def notify_urgent_report(session: Session, report: Report) -> int:
    """A new report says someone is in danger now."""
    return notify(session, report_recipients(session, report), URGENT_REPORT, "report", report.id)


def notify_reporter_reply(session: Session, report: Report) -> int:
    """The reporter answered in the thread."""
    return notify(session, report_recipients(session, report), REPORTER_REPLY, "report", report.id)


def schedule_follow_up(session: Session, case: Case, what: str, *, first_due: datetime,
                       every_days: int | None, user_id: int | None) -> FollowUp:
    """Add a follow-up to a case (once, or every ``every_days`` days)."""
    row = FollowUp(case_id=case.id, what=what, every_days=every_days, next_due_at=first_due,
                   created_by_id=user_id)
    session.add(row)
    session.flush()
    return row


def raise_due_follow_ups(session: Session, moment: datetime | None = None) -> int:
    """Notify the assigned caseworker of every follow-up now due and move it to its next date
    (or end it); returns how many fell due. Safe to run from cron at any interval."""
    moment = moment or utcnow()
    due = session.exec(select(FollowUp.id, FollowUp.case_id, FollowUp.every_days, Case.assigned_to_id)
                       .join(Case, Case.id == FollowUp.case_id)
                       .where(FollowUp.active.is_(True), FollowUp.next_due_at <= moment)).all()
    for follow_up_id, case_id, every_days, assignee in due:
        if assignee is not None:
            notify(session, [assignee], FOLLOW_UP_DUE, "case", case_id)
        values = ({"next_due_at": moment + timedelta(days=every_days)} if every_days
                  else {"active": False})
        session.exec(update(FollowUp).where(FollowUp.id == follow_up_id).values(**values))
    return len(due)


def unread(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    """A person's unread notices, newest first."""
    return list(session.exec(select(Notification).where(Notification.user_id == user_id,
                                                        Notification.read_at.is_(None))
                             .order_by(Notification.id.desc()).limit(limit)).all())


def mark_read(session: Session, user_id: int, notice_id: int) -> bool:
    """Mark one of the person's own notices read."""
    result = session.exec(update(Notification).where(Notification.id == notice_id, Notification.user_id == user_id)
                          .values(read_at=utcnow()))
    return result.rowcount == 1
