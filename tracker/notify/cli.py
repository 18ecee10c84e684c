"""``flask notify due``: raise the follow-ups now due and send the content-free e-mails (cron)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import get_session
from .mail import send_waiting
from .notices import raise_due_follow_ups


@click.group("notify", cls=AppGroup)
def notify_cli() -> None:
    """Notices to staff."""


@notify_cli.command("due")
def due_command() -> None:
    """Notify caseworkers of due follow-ups, then e-mail everyone with something waiting."""
    session = get_session()
    due = raise_due_follow_ups(session)
    session.commit()
    sent = send_waiting(session, current_app.config)
    click.echo(f"{due} follow-ups due; {sent} e-mails sent")
