"""Content-free notices to staff: an in-app inbox and, optionally, e-mail saying only that
something is waiting (issue 12 §5). No name, narrative, place or even a count of what kind
leaves the server in an e-mail: a mailbox is easier to seize than the server.

``notices`` files notices from anywhere in the app (it imports only the data layer, so reporter
code may call it); ``mail`` sends the e-mails; ``flask notify due`` (cron) raises due
follow-ups and sends what waits.
"""
from __future__ import annotations

from flask import Flask

DEFAULTS = {
    "NOTIFY_SMTP_HOST": None,  # None: no e-mail, the in-app inbox only
    "NOTIFY_SMTP_PORT": 587,
    "NOTIFY_SMTP_STARTTLS": True,
    "NOTIFY_SMTP_USERNAME": None,
    # No default password; set it in instance/config.py or the environment.
    "NOTIFY_SMTP_PASSWORD": None,  # nosec B105
    "NOTIFY_FROM": "tracker@localhost",
}


def init_app(app: Flask) -> None:
    """Settings and the ``flask notify`` commands."""
    from ..cli import add_command_path

    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    add_command_path(app, "notify", "tracker.notify.cli:notify_cli")
