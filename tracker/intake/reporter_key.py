"""The reporter's own key: derived from the receipt, so the receipt alone opens their thread.

Messages are sealed to the organisation key (caseworkers read them) and, separately, to the
report's reporter key (the reporter reads them in the inbox). The private half is derived again
from the receipt whenever it is typed, and otherwise lives only wrapped in a receipt session, so
the server cannot read a message on its own (DESIGN §2). The derivation is keyed with the index
key as well, as defence in depth; the receipt's 80 random bits are the real wall.
"""
from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sqlmodel import Session

from .. import keyholder, sealed_box
from ..crypto import Sealer
from ..models import Message, Report
from .receipts import normalise_receipt

KID = "reporter"
PURPOSE = "message.body.reporter"


def reporter_private_key(sealer: Sealer, receipt: str) -> X25519PrivateKey:
    """The reporter's private key for this (normalised) receipt."""
    return sealed_box.private_key_from(bytes.fromhex(sealer.token_digest("reporter-key", receipt)))


def reporter_public_key(sealer: Sealer, receipt: str) -> bytes:
    """The public half, stored on the report."""
    return sealed_box.public_bytes(reporter_private_key(sealer, receipt))


def reporter_key_for(db: Session, sealer: Sealer, report: Report, typed: str) -> X25519PrivateKey:
    """The reporter's private key from the receipt just typed. A report made before reporter
    keys gets its public half now, so messages from here on reach the inbox."""
    key = reporter_private_key(sealer, normalise_receipt(typed) or "")
    if report.reporter_key is None:
        report.reporter_key = sealed_box.public_bytes(key)
        db.add(report)
        db.commit()
    return key


def seal_for_reporter(report: Report, body: str) -> bytes | None:
    """The message body sealed to the reporter's key (None for a report made before it existed)."""
    if report.reporter_key is None:
        return None
    return sealed_box.seal_to(bytes(report.reporter_key), KID, PURPOSE, body.encode("utf-8"))


def readable_body(message: Message) -> str | None:
    """The body as the reporter may read it now, or None if no reporter key is open or the
    message predates reporter keys."""
    key = keyholder.open_key(KID)
    if key is None or message.body_for_reporter is None:
        return None
    try:
        return sealed_box.open_with(key, PURPOSE, bytes(message.body_for_reporter)).decode("utf-8")
    except sealed_box.BoxError:
        return None
