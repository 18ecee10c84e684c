"""Creating staff accounts and enrolling their second factor."""
from __future__ import annotations

import pyotp
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlmodel import Session, select

from .. import orgkey
from ..audit import record
from ..models import User
from .passwords import current_parameters, hash_password, one_time_password

ROLES = ("caseworker", "analyst", "admin")
TOTP_ISSUER = "TNR tracker"


class AccountError(ValueError):
    """An account operation was refused (duplicate email, unknown role...)."""


def new_totp_secret() -> str:
    """A 160-bit base32 TOTP secret (RFC 4226 recommends at least 128, 160 is its default)."""
    return pyotp.random_base32(32)


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def create_user(session: Session, email: str, role: str, *, actor_id: int | None = None,
                granting_key: tuple[str, X25519PrivateKey] | None = None) -> tuple[User, str]:
    """Create an account with a one-time password and its own key pair wrapped under it; return
    the account and the password. With ``granting_key`` the account may open personal data.

    No TOTP secret yet: it is made at the person's own first sign-in and shown only to them, so
    whoever creates the account never holds its second factor (issue 16 §6)."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise AccountError("not an email address")
    if session.exec(select(User).where(User.email == email)).first():
        raise AccountError("an account with this email already exists")
    password = one_time_password()
    user = User(
        email=email,
        role=role,
        password_hash=hash_password(password),
        must_change_password=True,
    )
    orgkey.provision_personal_key(user, password, current_parameters())
    if granting_key is not None:
        orgkey.grant(user, *granting_key)
    session.add(user)
    session.flush()
    record(session, "user.create", user_id=actor_id, actor="staff" if actor_id else "system",
           object_type="user", object_id=user.id, detail={"role": role, "access_granted": granting_key is not None})
    return user, password
