"""The receipt session: which report this browser opened with its receipt, kept on the server.

The signed session cookie (which CSRF needs anyway) carries only an opaque token; the database
keeps its keyed digest, the report it opened, and the reporter's key wrapped under the token
(issue 16 §5: a copied cookie stops working once the reporter closes the report, no report id
is readable in it, and every session has an absolute expiry as well as an idle one). The
receipt itself is never put in a cookie or a URL.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from flask import current_app, session as cookie
from sqlmodel import Session, delete

from .. import keyholder, sealed_box
from ..crypto import get_sealer
from ..models import ReceiptSession, Report
from .reporter_key import KID

KEY = "intake_report"
DIGEST_PURPOSE = "receipt-session"
WRAP_PURPOSE = "receipt-session.reporter-key"
TOUCH_INTERVAL = timedelta(seconds=60)


def _now() -> datetime:
    return datetime.now(UTC)


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _digest(token: str) -> str:
    return get_sealer().token_digest(DIGEST_PURPOSE, token)


def open_report(db: Session, report: Report, reporter_key: X25519PrivateKey) -> None:
    """Start a receipt session for this browser (replacing any it had) and commit it."""
    close_report(db)
    token = secrets.token_urlsafe(32)
    wrapped = sealed_box.wrap(sealed_box.key_from_token(token, WRAP_PURPOSE), WRAP_PURPOSE,
                              sealed_box.private_bytes(reporter_key))
    moment = _now()
    db.add(ReceiptSession(id=_digest(token), report_id=report.id, reporter_key_wrapped=wrapped,
                          created_at=moment, last_seen_at=moment))
    db.commit()
    cookie[KEY] = token


def close_report(db: Session) -> None:
    """End this browser's receipt session on the server and forget it in the cookie."""
    token = cookie.pop(KEY, None)
    if isinstance(token, str):
        db.exec(delete(ReceiptSession).where(ReceiptSession.id == _digest(token)))
        db.commit()


def current_report(db: Session) -> Report | None:
    """The open report if this browser's receipt session is alive; its reporter key is held
    open for this request (tracker.keyholder)."""
    token = cookie.get(KEY)
    if not isinstance(token, str):
        cookie.pop(KEY, None)
        return None
    row = db.get(ReceiptSession, _digest(token))
    moment = _now()
    if row is None or _expired(row, moment):
        close_report(db)
        return None
    report = db.get(Report, row.report_id)
    if report is None or report.follow_up_of_id is not None:
        close_report(db)
        return None
    if row.reporter_key_wrapped is not None:
        raw = sealed_box.unwrap(sealed_box.key_from_token(token, WRAP_PURPOSE), WRAP_PURPOSE, row.reporter_key_wrapped)
        keyholder.hold_for_request(KID, sealed_box.private_key_from(raw))
    if moment - _as_utc(row.last_seen_at) >= TOUCH_INTERVAL:  # sliding idle expiry, few writes
        row.last_seen_at = moment
        db.commit()
    return report


def _expired(row: ReceiptSession, moment: datetime) -> bool:
    """Idle too long (INTAKE_RECEIPT_SESSION_MINUTES) or older than the absolute limit
    (INTAKE_RECEIPT_SESSION_MAX_MINUTES)."""
    config = current_app.config
    idle = timedelta(minutes=int(config["INTAKE_RECEIPT_SESSION_MINUTES"]))
    lifetime = timedelta(minutes=int(config["INTAKE_RECEIPT_SESSION_MAX_MINUTES"]))
    return moment - _as_utc(row.last_seen_at) > idle or moment - _as_utc(row.created_at) > lifetime
