"""Staff accounts, their server-side sessions, recovery codes and API tokens."""

from datetime import datetime

from sqlalchemy import Column
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


class StaffSession(SQLModel, table=True):
    """A server-side staff session; the cookie holds only an opaque token whose digest is ``id``."""

    __tablename__ = "staff_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="staff_user.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    # False until the second factor is passed; a half-logged-in session sees nothing.
    second_factor_done: bool = False


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
