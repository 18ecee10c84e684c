"""The receipt session: which report this browser opened with its receipt, for a short time.

Only the report id and an expiry go into the signed session cookie that CSRF already needs
(no second cookie, issue 3 §5). The receipt itself is never put in a cookie or a URL.
"""
from __future__ import annotations

import time

from flask import current_app, session as cookie
from sqlmodel import Session

from ..models import Report

KEY = "intake_report"


def open_report(report: Report) -> None:
    """Remember the report for this browser until the idle timeout."""
    cookie[KEY] = {"id": report.id, "until": int(time.time()) + _lifetime()}


def close_report() -> None:
    """Forget the report on this browser."""
    cookie.pop(KEY, None)


def current_report(session: Session) -> Report | None:
    """The open report, if the receipt session is alive and the report still exists."""
    entry = cookie.get(KEY)
    if not isinstance(entry, dict) or entry.get("until", 0) < time.time():
        close_report()
        return None
    report = session.get(Report, entry.get("id"))
    if report is None or report.follow_up_of_id is not None:
        close_report()
        return None
    open_report(report)  # sliding expiry: idle time counts, not total time
    return report


def _lifetime() -> int:
    """Seconds of inactivity before the report closes itself (INTAKE_RECEIPT_SESSION_MINUTES)."""
    return int(current_app.config["INTAKE_RECEIPT_SESSION_MINUTES"]) * 60
