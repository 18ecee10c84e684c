"""Exchange with partner organisations: partners, this instance's exchange keys, packages, records.

Who the organisation shares with is itself worth hiding from a state that seizes the server
(DESIGN §2): a partner's name, age recipient and signing key are sealed to the organisation key
and found by blind-index digests; the instance's own private exchange keys are sealed the same way.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, utcnow
from .types import SealedText


class Partner(SQLModel, table=True):
    """A partner organisation packages are encrypted to (its age X25519 recipient), and whose
    signed packages this instance accepts (its Ed25519 signing key, if registered)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(SealedText("partner.name"), nullable=False))
    name_digest: str = Field(max_length=64, unique=True)
    age_recipient: str = Field(sa_column=Column(SealedText("partner.age_recipient"), nullable=False))
    recipient_digest: str = Field(max_length=64, unique=True)
    signing_key: str | None = Field(default=None, sa_column=Column(SealedText("partner.signing_key")))
    signing_key_digest: str | None = Field(default=None, max_length=64, unique=True)
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class ExchangeIdentity(SQLModel, table=True):
    """This instance's keys for exchange: an age identity to receive, an Ed25519 key to sign.

    The public halves are kept as bytes and text a partner is given; the private halves are sealed
    to the organisation key, so a copy of the server opens no package sent here and signs nothing.
    """

    __tablename__ = "exchange_identity"

    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(sa_column=Column(SealedText("exchange.organisation"), nullable=False))
    age_recipient: str = Field(max_length=100)
    age_identity: str = Field(sa_column=Column(SealedText("exchange.age_identity"), nullable=False))
    signing_public: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    signing_private: str = Field(sa_column=Column(SealedText("exchange.signing_private"), nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class ExchangePackage(SQLModel, table=True):
    """A package sent to or received from a partner: ids, counts and digests only, never content."""

    __tablename__ = "exchange_package"

    package_id: str = Field(primary_key=True, max_length=64)
    direction: str = Field(max_length=CODE_LENGTH)  # sent, received
    partner_id: int | None = Field(default=None, foreign_key="partner.id", ondelete="SET NULL", index=True)
    redaction: str = Field(max_length=CODE_LENGTH)
    sha256: str = Field(max_length=64)
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    at: datetime = Field(default_factory=utcnow)


class ExchangeRecord(SQLModel, table=True):
    """The exchange id of a local record: minted here when first exported, or the id it arrived
    with. Re-importing a package, or a record coming back, finds its local row here."""

    __tablename__ = "exchange_record"
    __table_args__ = (UniqueConstraint("kind", "local_id"),)

    uid: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=CODE_LENGTH)  # case, incident, person, relationship, status
    local_id: int
    # None: minted here; otherwise the partner the record came from.
    partner_id: int | None = Field(default=None, foreign_key="partner.id", ondelete="SET NULL", index=True)
    created_at: datetime = Field(default_factory=utcnow)
