"""The organisation key: created once, granted to staff, opened only by people (DESIGN §2).

- The public key is in the database; the server seals personal data to it (tracker.crypto).
- The private key is stored only (a) sealed to each staff member's own key pair, whose private
  half is wrapped under a key derived from their password (Argon2id), and (b) wrapped under an
  offline recovery key that is printed once when the organisation key is made.
- Signing in opens it with the password and wraps it under the new session's token
  (``wrap_for_token``), which only the browser holds; each request opens it from there.

Nothing here runs at import time, and nothing writes a private key anywhere unwrapped.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable

from argon2 import Parameters
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import Engine
from sqlmodel import Session, select

from . import sealed_box
from .models import OrganisationKey, User
from .models.base import utcnow

GRANT_PURPOSE = "organisation-key.grant"
RECOVERY_PURPOSE = "organisation-key.recovery"
PERSONAL_KEY_PURPOSE = "staff-key.password"
USER_KID = "staff-user"
RECOVERY_GROUPS = 13  # 13 groups of 4 base32 characters: 260 bits, the 256-bit key and no padding


class KeyAccessError(Exception):
    """The organisation key could not be opened with what was given."""


def key_id_for(public_key: bytes) -> str:
    """A short, stable id naming an organisation public key in every value sealed to it."""
    return "org-" + hashlib.sha256(public_key).hexdigest()[:12]


def organisation_key_source(engine: Engine) -> Callable[[], tuple[str, bytes] | None]:
    """A loader of the newest organisation public key, for the sealer to call when first needed."""
    def load() -> tuple[str, bytes] | None:
        with engine.connect() as connection:
            row = connection.execute(select(OrganisationKey.id, OrganisationKey.public_key)
                                     .order_by(OrganisationKey.created_at.desc()).limit(1)).first()
        return (row[0], bytes(row[1])) if row else None

    return load


def has_organisation_key(db: Session) -> bool:
    """Whether `flask keys init` (or a migration) has made the organisation key."""
    return db.exec(select(OrganisationKey.id).limit(1)).first() is not None


def create_organisation_key(db: Session) -> tuple[str, X25519PrivateKey, str]:
    """Make the organisation key; return its id, the private key (to grant at once) and the
    recovery code, which is shown once and never stored."""
    private_key = sealed_box.new_private_key()
    public_key = sealed_box.public_bytes(private_key)
    kid = key_id_for(public_key)
    recovery = secrets.token_bytes(32)
    wrapped = sealed_box.wrap(_recovery_wrapping_key(recovery), RECOVERY_PURPOSE, sealed_box.private_bytes(private_key))
    db.add(OrganisationKey(id=kid, public_key=public_key, recovery_wrapped=wrapped, created_at=utcnow()))
    return kid, private_key, format_recovery_code(recovery)


def format_recovery_code(recovery: bytes) -> str:
    """The recovery key as groups of base32 letters and digits, easy to write down on paper."""
    text = base64.b32encode(recovery).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_code(code: str) -> bytes:
    """The 32 bytes of a recovery code typed with or without dashes, spaces or lower case."""
    text = "".join(ch for ch in code.upper() if ch.isalnum())
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError as exc:
        raise KeyAccessError("that is not a recovery key") from exc
    if len(raw) != 32:
        raise KeyAccessError("that is not a recovery key")
    return raw


def _recovery_wrapping_key(recovery: bytes) -> bytes:
    # The recovery key is 256 random bits: a fast derivation is enough.
    return hashlib.sha256(b"tracker recovery wrapping key:" + recovery).digest()


def open_with_recovery_code(db: Session, code: str) -> tuple[str, X25519PrivateKey]:
    """The newest organisation private key, opened with the offline recovery key."""
    row = db.exec(select(OrganisationKey).order_by(OrganisationKey.created_at.desc())).first()
    if row is None:
        raise KeyAccessError("there is no organisation key yet")
    try:
        raw = sealed_box.unwrap(_recovery_wrapping_key(parse_recovery_code(code)), RECOVERY_PURPOSE,
                                row.recovery_wrapped)
    except sealed_box.BoxError as exc:
        raise KeyAccessError("the recovery key does not open this organisation's key") from exc
    return row.id, sealed_box.private_key_from(raw)


def password_wrapping_key(password: str, salt: bytes, parameters: Parameters) -> bytes:
    """A 256-bit key from a staff password: Argon2id with the app's password-hash parameters."""
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=parameters.time_cost,
                           memory_cost=parameters.memory_cost, parallelism=parameters.parallelism,
                           hash_len=32, type=Type.ID)


def provision_personal_key(user: User, password: str, parameters: Parameters) -> None:
    """Give the account a new key pair wrapped under this password (any old grant is dropped:
    a grant is sealed to one key pair, so it must be renewed by someone holding the key)."""
    private_key = sealed_box.new_private_key()
    user.key_salt = secrets.token_bytes(16)
    user.key_public = sealed_box.public_bytes(private_key)
    user.key_private_wrapped = sealed_box.wrap(password_wrapping_key(password, user.key_salt, parameters),
                                               PERSONAL_KEY_PURPOSE, sealed_box.private_bytes(private_key))
    user.org_key_grant = None


def grant(user: User, kid: str, organisation_private: X25519PrivateKey) -> None:
    """Seal the organisation's private key to this account's own public key."""
    if user.key_public is None:
        raise KeyAccessError("the account has no key pair yet")
    payload = kid.encode() + b"\x00" + sealed_box.private_bytes(organisation_private)
    user.org_key_grant = sealed_box.seal_to(user.key_public, USER_KID, GRANT_PURPOSE, payload)


def revoke_grant(user: User) -> None:
    """Withdraw the account's access to personal data (its sessions must end too)."""
    user.org_key_grant = None


def open_with_password(user: User, password: str, parameters: Parameters) -> tuple[str, X25519PrivateKey] | None:
    """The organisation key this account was granted, opened with its password; None without a grant."""
    if user.org_key_grant is None or user.key_private_wrapped is None or user.key_salt is None:
        return None
    try:
        personal = sealed_box.unwrap(password_wrapping_key(password, user.key_salt, parameters),
                                     PERSONAL_KEY_PURPOSE, user.key_private_wrapped)
        payload = sealed_box.open_with(sealed_box.private_key_from(personal), GRANT_PURPOSE, user.org_key_grant)
    except sealed_box.BoxError:
        return None
    kid, _, raw = payload.partition(b"\x00")
    return kid.decode(), sealed_box.private_key_from(raw)


def wrap_for_token(token: str, purpose: str, kid: str, private_key: X25519PrivateKey) -> bytes:
    """The organisation key wrapped under a session or API token, to store beside its digest."""
    payload = kid.encode() + b"\x00" + sealed_box.private_bytes(private_key)
    return sealed_box.wrap(sealed_box.key_from_token(token, purpose), purpose, payload)


def open_for_token(token: str, purpose: str, wrapped: bytes | None) -> tuple[str, X25519PrivateKey] | None:
    """What ``wrap_for_token`` wrapped, opened with the token the client sent; None if absent."""
    if wrapped is None:
        return None
    try:
        payload = sealed_box.unwrap(sealed_box.key_from_token(token, purpose), purpose, wrapped)
    except sealed_box.BoxError:
        return None
    kid, _, raw = payload.partition(b"\x00")
    return kid.decode(), sealed_box.private_key_from(raw)


def init_app(app) -> None:
    """Let the app's sealer find the organisation public key in this app's database."""
    app.extensions["tracker.sealer"].use_organisation_key_source(
        organisation_key_source(app.extensions["tracker.engine"]))
