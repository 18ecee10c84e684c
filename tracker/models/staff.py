"""Staff accounts, their server-side sessions, recovery codes and API tokens."""

from datetime import datetime

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, utcnow
from .types import SealedText


class User(SQLModel, table=True):
    """A staff account: caseworker, analyst or admin. Reporters have no account."""

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    role: str = Field(max_length=CODE_LENGTH)
    password_hash: str = Field(max_length=200)
    must_change_password: bool = True
    totp_secret: str | None = Field(default=None, sa_column=Column(SealedText("user.totp_secret")))
    # The last accepted TOTP time step, so a code is accepted only once.
    totp_last_step: int | None = None
    totp_confirmed: bool = False
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    # The person's own X25519 key pair: the private half wrapped under a key derived from their
    # password (Argon2id with key_salt), and the organisation's private key sealed to the public
    # half once access is granted (tracker.orgkey). No grant, no case data.
    key_public: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    key_private_wrapped: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    key_salt: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    org_key_grant: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    # Need to know (DESIGN §2): the communities whose reports, incidents, people and cases this
    # account may see ("*" for all, "unassigned" for records with no community yet). Changed only
    # through an approved access request (tracker.staff.approvals).
    communities: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))


class StaffSession(SQLModel, table=True):
    """A server-side staff session; the cookie holds only an opaque token whose digest is ``id``."""

    __tablename__ = "staff_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="staff_user.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    # False until the second factor is passed; a half-logged-in session sees nothing.
    second_factor_done: bool = False
    # The organisation's private key wrapped under a key derived from the session token, which
    # only the browser's cookie holds: the server opens it per request, a disk copy cannot.
    org_key_wrapped: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class RecoveryCode(SQLModel, table=True):
    """A single-use recovery code for a lost second factor, stored as a keyed digest."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", ondelete="CASCADE", index=True)
    code_digest: str = Field(max_length=64)
    used_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """A personal API token for /api/v1, shown once, stored as a keyed digest, revocable."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=100)
    token_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    # As for sessions: the organisation's private key under a key derived from the token itself.
    org_key_wrapped: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class ReceiptSession(SQLModel, table=True):
    """A reporter's browser that opened a report with its receipt (server-side, revocable).

    The cookie holds only an opaque token whose keyed digest is ``id``; no report id is readable
    in it. The reporter's private key (for their messages) is wrapped under the token.
    """

    __tablename__ = "receipt_session"

    id: str = Field(primary_key=True, max_length=64)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    reporter_key_wrapped: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)


class AccessRequest(SQLModel, table=True):
    """A change that gives an account more access: it waits for a second admin's approval, or,
    in an organisation with one admin, for a delay during which every admin is told about it."""

    __tablename__ = "access_request"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=CODE_LENGTH)  # grant, communities, reset_second_factor
    communities: list[str] | None = Field(default=None, sa_column=Column(JSON))
    requested_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    requested_at: datetime = Field(default_factory=utcnow)
    not_before: datetime = Field(default_factory=utcnow)
    status: str = Field(default="pending", max_length=CODE_LENGTH, index=True)  # pending, applied, refused
    decided_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    decided_at: datetime | None = None
