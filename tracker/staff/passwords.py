"""Staff password hashing with Argon2id (argon2-cffi's RFC 9106 low-memory profile)."""
from __future__ import annotations

import secrets
from functools import cache
from importlib import resources

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


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached-style passwords, lower-cased."""
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def _core(password: str) -> str:
    """The password without the digits and symbols people tack on ("Password2024!" -> "password")."""
    return password.lower().strip("0123456789!@#$%^&*()-_=+.,?~ ")


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is refused, or None. Length and commonness only: no composition rules
    and no forced rotation (NIST SP 800-63B §5.1.1.2)."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or _core(password) in common or len(set(lowered)) < 4:
        return "common"
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return "contains_email"
    return None
