"""The caseworker side of a report's message thread; the reporter reads it through the receipt.

Messages are sealed at rest. "Unread" is ``read_at`` being empty: a caseworker opening the
thread marks the reporter's messages read, and the reporter's inbox does the same for ours.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, select

from ..audit import record
from ..intake.reporter_key import seal_for_reporter
from ..models import Message, Report, utcnow
from ..models.inputs import MessageCreate

TO_REPORTER = "to_reporter"
FROM_REPORTER = "from_reporter"


def send_to_reporter(session: Session, report: Report, data: MessageCreate, *, user_id: int | None) -> Message:
    """Write to the reporter (a question, an update); they read it with their receipt."""
    # Sealed twice: to the organisation (caseworkers) and to the reporter's receipt-derived key.
    message = Message(report_id=report.id, direction=TO_REPORTER, author_id=user_id, body=data.body,
                      body_for_reporter=seal_for_reporter(report, data.body))
    session.add(message)
    report.last_activity_at = utcnow()
    session.add(report)
    session.flush()
    record(session, "message.send", user_id=user_id, object_type="report", object_id=report.id,
           detail={"message_id": message.id})
    return message


def thread(session: Session, report_id: int) -> list[Message]:
    """The report's messages in both directions, oldest first."""
    return list(session.exec(select(Message).where(Message.report_id == report_id)
                             .order_by(Message.id)).all())  # a reporter's times are to the hour


def mark_reporter_messages_read(session: Session, report_id: int) -> int:
    """Mark the reporter's unread messages read now; returns how many there were."""
    unread = session.exec(select(Message).where(
        Message.report_id == report_id, Message.direction == FROM_REPORTER, Message.read_at.is_(None))).all()
    now = utcnow()
    for message in unread:
        message.read_at = now
        session.add(message)
    session.flush()
    return len(unread)


def unread_from_reporters(session: Session, report_ids: Iterable[int]) -> dict[int, int]:
    """Unread reporter messages per report, for the reports on one queue page only."""
    ids = list(report_ids)
    if not ids:
        return {}
    rows = session.exec(select(Message.report_id, func.count()).where(
        Message.report_id.in_(ids), Message.direction == FROM_REPORTER, Message.read_at.is_(None),
    ).group_by(Message.report_id)).all()
    return dict(rows)
