"""Column types that seal personal data transparently (DESIGN §3: fields marked * )."""

from typing import Any

from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

from ..crypto import Sealer, SealedValueLocked


class KeyringUnavailable(RuntimeError):
    """A sealed column was used on an engine that has no keyring: fail closed."""


class Locked(str):
    """What a sealed column holds when no key that opens it is open here (nobody signed in).

    It reads as "[sealed]" so a page or log line can never show more, and it keeps the
    ciphertext so that saving the row again writes the value back untouched. Code that needs the
    real value must run in a signed-in staff request (tracker.keyholder).
    """

    token: bytes
    purpose: str

    def __new__(cls, purpose: str, token: bytes) -> "Locked":
        value = super().__new__(cls, "[sealed]")
        value.token, value.purpose = token, purpose
        return value


def _write_back(value: Locked, purpose: str) -> bytes:
    """A locked value saved again goes back as the same ciphertext, to the same purpose only."""
    if value.purpose != purpose:
        raise SealedValueLocked(f"a locked {value.purpose!r} value cannot be written as {purpose!r}")
    return value.token


def _open(dialect: Any, purpose: str, raw: bytes, opener) -> Any:
    try:
        return opener(_sealer(dialect), purpose, raw)
    except SealedValueLocked:
        return Locked(purpose, raw)


def engine_keyring(dialect: Any) -> Sealer:
    """The keyring this engine seals and opens with; KeyringUnavailable if it has none. Code that
    writes values it sealed itself, past these column types, checks here first (fail closed)."""
    return _sealer(dialect)


def _sealer(dialect: Any) -> Sealer:
    sealer = getattr(dialect, "tracker_sealer", None)
    if sealer is None:
        raise KeyringUnavailable("this engine has no keyring; personal data cannot be read or written")
    return sealer


class SealedText(TypeDecorator):
    """Text encrypted at rest, bound to its purpose (e.g. ``report.narrative``)."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, purpose: str):
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect: Any) -> bytes | None:
        if value is None:
            return None
        if isinstance(value, Locked):
            return _write_back(value, self.purpose)
        return _sealer(dialect).seal_text(self.purpose, value)

    def process_result_value(self, value: bytes | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return _open(dialect, self.purpose, bytes(value), Sealer.open_text)


class SealedJSON(TypeDecorator):
    """A JSON value (a list of names, a cached result) encrypted at rest."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, purpose: str):
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: Any, dialect: Any) -> bytes | None:
        if value is None:
            return None
        if isinstance(value, Locked):
            return _write_back(value, self.purpose)
        return _sealer(dialect).seal_json(self.purpose, value)

    def process_result_value(self, value: bytes | None, dialect: Any) -> Any:
        if value is None:
            return None
        return _open(dialect, self.purpose, bytes(value), Sealer.open_json)


# The column types whose values are sealed: what reseal, retention and the queue look for.
SEALED_TYPES = (SealedText, SealedJSON)
