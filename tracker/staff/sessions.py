"""Server-side staff sessions: the cookie carries an opaque token, the database its digest.

Only the keyed digest of the token is stored (StaffSession.id), so a copy of the database does
not hand out live sessions. Deleting a user's rows ends every session at once: that is how
logout, a password change, a second-factor reset and deactivation take effect (issue 5, §4).
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlmodel import Session, delete, select

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from .. import orgkey
from ..crypto import get_sealer
from ..models import StaffSession
from . import clock

DIGEST_PURPOSE = "staff-session"
SESSION_KEY_PURPOSE = "staff-session.organisation-key"
# last_seen_at is written at most this often, so browsing does not write on every request.
TOUCH_INTERVAL = timedelta(seconds=60)


def session_id(token: str) -> str:
    """The stored identifier of a session token."""
    return get_sealer().token_digest(DIGEST_PURPOSE, token)


def start_session(db: Session, user_id: int, *, second_factor_done: bool,
                  organisation_key: tuple[str, X25519PrivateKey] | None = None) -> str:
    """Create a session row and return the token that goes (only) into the cookie.

    The organisation key, if the person opened it, is stored wrapped under that token: the
    server can open it again only when the browser sends the cookie back."""
    token = secrets.token_urlsafe(32)
    moment = clock.now()
    wrapped = orgkey.wrap_for_token(token, SESSION_KEY_PURPOSE, *organisation_key) if organisation_key else None
    db.add(StaffSession(id=session_id(token), user_id=user_id, created_at=moment,
                        last_seen_at=moment, second_factor_done=second_factor_done, org_key_wrapped=wrapped))
    return token


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_expired(row: StaffSession, moment: datetime) -> bool:
    """Idle too long, or older than the absolute lifetime (DESIGN §2: short idle sessions)."""
    idle = current_app.config["STAFF_IDLE_TIMEOUT"]
    lifetime = current_app.config["STAFF_SESSION_LIFETIME"]
    return (moment - as_utc(row.last_seen_at) > idle) or (moment - as_utc(row.created_at) > lifetime)


def find_live_session(db: Session, token: str) -> StaffSession | None:
    """The session this token names if it is still live; expired rows are deleted on sight."""
    row = db.get(StaffSession, session_id(token))
    if row is None:
        return None
    moment = clock.now()
    if is_expired(row, moment):
        db.delete(row)
        db.commit()
        return None
    if moment - as_utc(row.last_seen_at) >= TOUCH_INTERVAL:
        row.last_seen_at = moment
        db.commit()
    return row


def end_session(db: Session, token: str) -> None:
    """Delete one session (logout)."""
    db.exec(delete(StaffSession).where(StaffSession.id == session_id(token)))


def end_user_sessions(db: Session, user_id: int) -> int:
    """Delete every session of a user; return how many there were."""
    ids = db.exec(select(StaffSession.id).where(StaffSession.user_id == user_id)).all()
    db.exec(delete(StaffSession).where(StaffSession.user_id == user_id))
    return len(ids)


def live_session_counts(db: Session) -> dict[int, int]:
    """user id -> number of sessions not yet expired, for the admin's "who is active" page."""
    moment = clock.now()
    counts: dict[int, int] = {}
    for row in db.exec(select(StaffSession)).all():
        if not is_expired(row, moment):
            counts[row.user_id] = counts.get(row.user_id, 0) + 1
    return counts
