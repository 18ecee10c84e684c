"""Staff password hashing with Argon2id (argon2-cffi's RFC 9106 low-memory profile)."""
from __future__ import annotations

import secrets
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from ..config import ConfigurationError

MIN_LENGTH = 12
MAX_LENGTH = 128

# The setting PASSWORD_HASH_PROFILE names one of these. Production always uses the first; the
# test suite signs staff in hundreds of times, and at 64 MiB per verification that was a large
# share of CI, so it may choose argon2-cffi's own cheapest profile, which exists for tests and
# which an app refuses unless TESTING is set (check_profile, called when the app is created).
STANDARD_PROFILE = "rfc9106-low-memory"
TEST_ONLY_PROFILE = "test-only-cheapest"
PROFILES = {STANDARD_PROFILE: profiles.RFC_9106_LOW_MEMORY, TEST_ONLY_PROFILE: profiles.CHEAPEST}


def check_profile(config) -> None:
    """Refuse an unknown profile, and the test-only one outside tests (fail closed at start-up)."""
    name = config.get("PASSWORD_HASH_PROFILE", STANDARD_PROFILE)
    if name not in PROFILES:
        raise ConfigurationError(f"PASSWORD_HASH_PROFILE must be one of {sorted(PROFILES)}, not {name!r}")
    if name == TEST_ONLY_PROFILE and not config.get("TESTING"):
        raise ConfigurationError(f"PASSWORD_HASH_PROFILE={TEST_ONLY_PROFILE!r} is only for the test suite")


def _profile_name() -> str:
    """The app's profile; outside an app (benchmarks, factories) the standard one."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_PROFILE", STANDARD_PROFILE)
    return STANDARD_PROFILE


def current_parameters():
    """The Argon2id parameters of the app's profile (also used to derive key-wrapping keys)."""
    return PROFILES[_profile_name()]


@cache
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(PROFILES[profile])  # holds only parameters: safe to share


@cache
def _dummy_hash(profile: str) -> str:
    """Verified when an email is unknown, so that answer costs the same time as a wrong password."""
    return _hasher(profile).hash(secrets.token_urlsafe(16))


def hash_password(password: str, profile: str | None = None) -> str:
    """Argon2id hash of a password whose length has already been checked."""
    return _hasher(profile or _profile_name()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown account) spend the same time and say no.

    The cost of a verification is set by the parameters written in the stored hash itself."""
    hasher = _hasher(_profile_name())
    try:
        return hasher.verify(password_hash or _dummy_hash(_profile_name()), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the app's and should be redone at login."""
    return _hasher(_profile_name()).check_needs_rehash(password_hash)


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
