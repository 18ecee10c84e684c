"""Key check values for the server's keyring, and the organisation's public key; never a private key."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from .base import utcnow


class DataKeyCheck(SQLModel, table=True):
    """A value derived one way from a data key (see tracker.key_check), recorded per key id.

    A keyring whose key under the same id derives a different value is the wrong key: the app
    refuses to seal anything with it. A retired key's row stays, so that key id is never taken
    to mean another key again.
    """

    __tablename__ = "data_key_check"

    key_id: str = Field(primary_key=True, max_length=64)
    check_value: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow)
    retired_at: datetime | None = Field(default=None)


class OrganisationKey(SQLModel, table=True):
    """The organisation's public key, to which personal data is sealed (DESIGN §2).

    Its private key is never stored as it is: only sealed to each staff member's own key
    (``User.org_key_grant``) and wrapped under the offline recovery key printed once at creation.
    """

    __tablename__ = "organisation_key"

    id: str = Field(primary_key=True, max_length=64)
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    recovery_wrapped: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
