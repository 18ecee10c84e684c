"""Staff password hashing with Argon2id (argon2-cffi's RFC 9106 low-memory profile)."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

_hasher = PasswordHasher()  # stateless; holds only parameters, so module level is safe

# Hashed when an email is unknown, so that answer costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Argon2id hash of a password whose length has already been checked."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown account) spend the same time and say no."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters and should be upgraded at login."""
    return _hasher.check_needs_rehash(password_hash)


def one_time_password() -> str:
    """A random first password to be changed at first login (about 100 bits)."""
    return secrets.token_urlsafe(16)
