"""Partner organisations and this instance's own exchange keys (issue 15 item 3).

This instance has one exchange identity: an age X25519 identity that partners encrypt packages
to, and an Ed25519 key that signs every package it sends. Both private halves are sealed to the
organisation key like personal data (DESIGN §2), not kept in ``instance/``: whoever seizes the
server with nobody signed in can neither open a package addressed here (one copied from a
partner's mail, say) nor sign a forged package that partners would import as ours. Making the
identity needs only the organisation's public key; using it needs a signed-in staff member or a
command unlocked with a password, which exporting and importing need anyway to read and write
sealed records.

A partner is a name, an age recipient (``age1…``) and, if it sends packages too, the Ed25519
public key its packages are signed with. All three are sealed and looked up by blind-index
digests, so the server's disk does not list the coalition the organisation works in.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlmodel import Session, select

from ..audit import record
from ..crypto import NoOrganisationKey, get_sealer
from ..models import ExchangeIdentity, Partner
from ..models.types import Locked

DIGEST_PURPOSE = "exchange.partner"


class ExchangeError(ValueError):
    """A partner, key or package that cannot be used; the message says why, for staff."""


@dataclass(frozen=True)
class OpenIdentity:
    """This instance's exchange keys, opened for one export or import."""

    organisation: str
    age_recipient: str
    age_identity: pyrage.x25519.Identity
    signing_key: Ed25519PrivateKey

    @property
    def signing_public(self) -> bytes:
        """The raw 32 bytes partners verify our packages with."""
        return self.signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(signing_public: bytes) -> str:
    """The exporting instance's fingerprint: SHA-256 of its signing key, to read out to a partner."""
    return hashlib.sha256(signing_public).hexdigest()


def encode_key(raw: bytes) -> str:
    """A raw public key as unpadded URL-safe base64, the form partners exchange."""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_signing_key(text: str) -> bytes:
    """An Ed25519 public key typed as base64 (URL-safe or not); ExchangeError if it is not one."""
    cleaned = "".join(text.split()).replace("+", "-").replace("/", "_").rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as error:
        raise ExchangeError("the signing key is not an Ed25519 public key in base64") from error
    return raw


def check_recipient(text: str) -> str:
    """An age X25519 recipient (``age1…``), checked; ExchangeError otherwise."""
    cleaned = text.strip()
    try:
        pyrage.x25519.Recipient.from_str(cleaned)
    except pyrage.RecipientError as error:
        raise ExchangeError("the recipient is not an age X25519 public key (age1…)") from error
    return cleaned


def _digest(kind: str, value: str) -> str:
    return get_sealer().blind_index(f"{DIGEST_PURPOSE}.{kind}", value)


def identity_row(session: Session) -> ExchangeIdentity | None:
    """This instance's exchange identity, if made."""
    return session.exec(select(ExchangeIdentity).order_by(ExchangeIdentity.id)).first()


def ensure_identity(session: Session, organisation: str, *, user_id: int | None) -> ExchangeIdentity:
    """This instance's identity, made on first use: needs only the organisation's public key."""
    row = identity_row(session)
    if row is not None:
        return row
    if not organisation.strip():
        raise ExchangeError("name this organisation first: it is the source named in every package")
    try:
        get_sealer().organisation_key()  # the private halves are sealed to it
    except NoOrganisationKey as error:
        raise ExchangeError(str(error)) from error
    age_identity = pyrage.x25519.Identity.generate()
    signing = Ed25519PrivateKey.generate()
    private = signing.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    row = ExchangeIdentity(organisation=organisation.strip(), age_recipient=str(age_identity.to_public()),
                           age_identity=str(age_identity), signing_private=encode_key(private),
                           signing_public=signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    session.add(row)
    session.flush()
    record(session, "exchange.identity_create", user_id=user_id, object_type="exchange_identity", object_id=row.id,
           detail={"fingerprint": fingerprint(row.signing_public)})
    return row


def open_identity(session: Session) -> OpenIdentity:
    """This instance's private exchange keys; ExchangeError if none or if the organisation key is closed."""
    row = identity_row(session)
    if row is None:
        raise ExchangeError("this instance has no exchange identity yet: run `flask exchange identity`")
    if isinstance(row.age_identity, Locked) or isinstance(row.signing_private, Locked):
        raise ExchangeError("the organisation key is not open: sign in, or run the command with --as")
    raw = base64.urlsafe_b64decode(row.signing_private + "=" * (-len(row.signing_private) % 4))
    return OpenIdentity(row.organisation, row.age_recipient, pyrage.x25519.Identity.from_str(row.age_identity),
                        Ed25519PrivateKey.from_private_bytes(raw))


def add_partner(session: Session, name: str, recipient: str, signing_key: str | None, *,
                user_id: int | None) -> Partner:
    """Register a partner; ExchangeError if its name, recipient or signing key is already registered."""
    name = " ".join(name.split())
    if not name:
        raise ExchangeError("a partner needs a name")
    recipient = check_recipient(recipient)
    signing = encode_key(decode_signing_key(signing_key)) if signing_key and signing_key.strip() else None
    digests = {"name_digest": _digest("name", name.casefold()), "recipient_digest": _digest("recipient", recipient),
               "signing_key_digest": _digest("signing", signing) if signing else None}
    for column, value in digests.items():
        if value and session.exec(select(Partner.id).where(getattr(Partner, column) == value)).first():
            raise ExchangeError(f"a partner with this {column.removesuffix('_digest').replace('_', ' ')} "
                                "is already registered")
    partner = Partner(name=name, age_recipient=recipient, signing_key=signing, created_by_id=user_id, **digests)
    session.add(partner)
    session.flush()
    record(session, "exchange.partner_add", user_id=user_id, object_type="partner", object_id=partner.id,
           detail={"can_send": signing is not None})
    return partner


def deactivate_partner(session: Session, partner: Partner, *, user_id: int | None) -> None:
    """Stop exporting to a partner and accepting its packages (its key lost or the partnership over).

    The row stays, so records that came from it keep their source; registering it again needs a
    new recipient and signing key, as the old ones are still taken.
    """
    partner.active = False
    session.add(partner)
    session.flush()
    record(session, "exchange.partner_deactivate", user_id=user_id, object_type="partner", object_id=partner.id)


def partners(session: Session) -> list[Partner]:
    """Every active partner, oldest first."""
    return list(session.exec(select(Partner).where(Partner.active).order_by(Partner.id)).all())


def partner_named(session: Session, name: str) -> Partner:
    """The active partner with this name (any case); ExchangeError if none."""
    partner = session.exec(select(Partner).where(
        Partner.name_digest == _digest("name", " ".join(name.split()).casefold()), Partner.active)).first()
    if partner is None:
        raise ExchangeError(f"no partner named {name!r} is registered (`flask exchange partner list`)")
    return partner


def partner_signing_with(session: Session, signing_public: bytes) -> Partner | None:
    """The active partner whose registered signing key this is."""
    return session.exec(select(Partner).where(
        Partner.signing_key_digest == _digest("signing", encode_key(signing_public)), Partner.active)).first()
