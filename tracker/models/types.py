"""Column types that seal personal data transparently (DESIGN §3: fields marked * )."""

from typing import Any

from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

from ..crypto import Sealer


class KeyringUnavailable(RuntimeError):
    """A sealed column was used on an engine that has no keyring: fail closed."""


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
        return _sealer(dialect).seal_text(self.purpose, value)

    def process_result_value(self, value: bytes | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return _sealer(dialect).open_text(self.purpose, bytes(value))


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
        return _sealer(dialect).seal_json(self.purpose, value)

    def process_result_value(self, value: bytes | None, dialect: Any) -> Any:
        if value is None:
            return None
        return _sealer(dialect).open_json(self.purpose, bytes(value))
