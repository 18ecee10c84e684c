"""Device credentials: issue one (the secret shown once), list them, revoke one, check one.

A device authenticates with HTTP Basic over TLS: the username is a random handle and the
password a 256-bit random secret, of which only a keyed digest is stored. HTTP Digest, the other
scheme ODK Collect speaks, would need the server to keep MD5(username:realm:password), which
signs in as well as the password itself: a copy of the database would hand every device's
credential to whoever took it. A random secret needs no slow hash (nothing to guess), so a
keyed HMAC (Sealer.token_digest) makes checking it cheap enough for every submission.
"""
from __future__ import annotations

import hmac
import secrets

from sqlmodel import Session, select

from ..crypto import Sealer
from ..models import DeviceCredential
from ..staff import clock

DIGEST_PURPOSE = "openrosa-device"
USERNAME_PREFIX = "device-"
MAX_SECRET = 100


def _digest(sealer: Sealer, secret: str) -> str:
    return sealer.token_digest(DIGEST_PURPOSE, secret)


def issue_device(db: Session, sealer: Sealer, label: str, user_id: int) -> tuple[DeviceCredential, str]:
    """Make a credential; return the row and the secret (shown once, never stored)."""
    secret = secrets.token_urlsafe(32)
    row = DeviceCredential(username=USERNAME_PREFIX + secrets.token_hex(5), label=label.strip()[:100] or "device",
                           secret_digest=_digest(sealer, secret), created_at=clock.now(), created_by_id=user_id)
    db.add(row)
    db.flush()
    return row, secret


def list_devices(db: Session) -> list[DeviceCredential]:
    """Every credential, newest first, revoked ones included (the page shows their state)."""
    return list(db.exec(select(DeviceCredential).order_by(DeviceCredential.created_at.desc(),
                                                          DeviceCredential.id.desc())).all())


def revoke_device(db: Session, device_id: int, user_id: int) -> DeviceCredential | None:
    """Revoke a live credential at once; None if there is none with this id or it is revoked."""
    row = db.get(DeviceCredential, device_id)
    if row is None or row.revoked_at is not None:
        return None
    row.revoked_at, row.revoked_by_id = clock.now(), user_id
    return row


def authenticate_device(db: Session, sealer: Sealer, username: str | None,
                        secret: str | None) -> DeviceCredential | None:
    """The live credential these Basic credentials name, or None.

    The digest is computed whether or not the username exists, so timing does not tell a valid
    username from an invalid one.
    """
    digest = _digest(sealer, (secret or "")[:MAX_SECRET])
    if not username or not secret or len(username) > 40 or len(secret) > MAX_SECRET:
        return None
    row = db.exec(select(DeviceCredential).where(DeviceCredential.username == username)).first()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.secret_digest, digest):
        return None
    return row


def note_use(db: Session, row: DeviceCredential) -> bool:
    """Set the day of last use (to the day only, at most one write a day); True if it changed."""
    today = clock.now().date()  # UTC, like every stored time
    if row.last_used_on == today:
        return False
    row.last_used_on = today
    return True
