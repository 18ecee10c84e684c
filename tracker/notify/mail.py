"""E-mail that says only that something is waiting (no name, narrative, place or kind)."""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from ..models import Notification, User, utcnow

SUBJECT = "Something is waiting for you in the tracker"
BODY = ("Something is waiting for you in the tracker. Sign in to see it.\n\n"
        "This message never says what it is about.\n")


def pending_recipients(session: Session) -> dict[int, str]:
    """user id -> e-mail of active staff with notices not yet e-mailed."""
    rows = session.exec(select(User.id, User.email).join(Notification, Notification.user_id == User.id)
                        .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None), User.active)
                        .distinct()).all()
    return dict(rows)


def send_waiting(session: Session, config: Mapping[str, Any]) -> int:
    """One content-free e-mail per person with new notices; marks them e-mailed. Returns how
    many e-mails went out (0 when no SMTP server is configured)."""
    host = config.get("NOTIFY_SMTP_HOST")
    if not host:
        return 0
    recipients = pending_recipients(session)
    if not recipients:
        return 0
    with smtplib.SMTP(host, int(config.get("NOTIFY_SMTP_PORT", 587)), timeout=30) as smtp:
        if config.get("NOTIFY_SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("NOTIFY_SMTP_USERNAME"):
            smtp.login(config["NOTIFY_SMTP_USERNAME"], config.get("NOTIFY_SMTP_PASSWORD") or "")
        for user_id, address in recipients.items():
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = config["NOTIFY_FROM"], address, SUBJECT
            message.set_content(BODY)
            smtp.send_message(message)
            session.exec(update(Notification).where(Notification.user_id == user_id,
                                                    Notification.emailed_at.is_(None))
                         .values(emailed_at=utcnow()))
            session.commit()  # each person once, even if a later send fails
    return len(recipients)
