"""The mandatory second factor: TOTP codes (RFC 6238), recovery codes, and the enrolment QR code.

A TOTP code is accepted at most once: the accepted time step is stored in User.totp_last_step
and no step at or before it is accepted again, so a code phished or shoulder-surfed after use is
worthless. One step of clock drift either way is tolerated (issue 5, §2).
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
from markupsafe import Markup
from sqlalchemy import or_, update
from sqlalchemy.orm import object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, delete, select

from ..crypto import get_sealer
from ..models import RecoveryCode, User
from . import clock

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
RECOVERY_PURPOSE = "recovery-code"
# Recovery codes avoid letters that are easy to confuse when copied by hand (0/O, 1/I/L).
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def time_step(moment: datetime) -> int:
    """The TOTP time step (counter) of a moment."""
    return int(moment.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, moment: datetime, after: int | None) -> int | None:
    """The step within the drift window whose code this is and that comes after ``after``."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = time_step(moment)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_totp(user: User, code: str) -> bool:
    """Check a code against the user's confirmed secret and burn its time step if it matches.

    The step is burnt by one conditional UPDATE (only if no later step is stored yet), so of
    several logins sending the same code at once exactly one wins, on SQLite and PostgreSQL
    alike: the row lock serialises them and the losers' WHERE no longer matches (issue 16, item 5).
    """
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, clock.now(), user.totp_last_step)
    if step is None:
        return False
    db = object_session(user)
    if db is None:  # a detached account (no database to race with)
        user.totp_last_step = step
        return True
    burnt = db.exec(update(User).where(
        User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step),
    ).values(totp_last_step=step).execution_options(synchronize_session=False))
    if burnt.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _normalise_recovery_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def _recovery_digest(code: str) -> str:
    return get_sealer().token_digest(RECOVERY_PURPOSE, _normalise_recovery_code(code))


def issue_recovery_codes(db: Session, user_id: int) -> list[str]:
    """Replace a user's recovery codes with new ones; return them to be shown once."""
    db.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))  # about 59 bits
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
        db.add(RecoveryCode(user_id=user_id, code_digest=_recovery_digest(raw)))
    return codes


def use_recovery_code(db: Session, user_id: int, code: str) -> bool:
    """Spend one unused recovery code of this user; False if it is unknown or already used."""
    if len(_normalise_recovery_code(code)) != 12:
        return False
    # One conditional UPDATE: two parallel logins with the same code cannot both spend it.
    spent = db.exec(update(RecoveryCode).where(
        RecoveryCode.user_id == user_id,
        RecoveryCode.code_digest == _recovery_digest(code),
        RecoveryCode.used_at.is_(None),
    ).values(used_at=clock.now()).execution_options(synchronize_session=False))
    return spent.rowcount == 1


def remaining_recovery_codes(db: Session, user_id: int) -> int:
    """How many unused recovery codes a user still has."""
    return len(db.exec(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))).all())


def check_second_factor(db: Session, user: User, code: str) -> str | None:
    """Accept a TOTP code or a recovery code; say which one ("totp", "recovery") or None."""
    if accept_totp(user, code):
        return "totp"
    if use_recovery_code(db, user.id, code):
        return "recovery"
    return None


def enrolment_qr_svg(uri: str) -> Markup:
    """The otpauth:// URI as an inline SVG QR code, drawn here: no image service sees the secret.

    Marked safe here, not with ``|safe`` in a template: segno builds the SVG from the account's
    own URI, and no reporter or caseworker text reaches it.
    """
    import segno  # only enrolment draws a QR code: not imported at every start-up (issue 17)

    return Markup(segno.make(uri, error="m").svg_inline(  # noqa: S704 (server-made SVG)  # nosec B704
        scale=5, title="TOTP enrolment QR code", svgclass="totp-qr", lineclass=None))
