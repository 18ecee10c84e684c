"""Which private keys are open right now: the organisation's, for a signed-in staff member, or a
reporter's, for the report opened with its receipt.

Held in a context variable for one request (or one command a person unlocked), never in the
database, a file or a global. Every request starts with nothing open (``close_for_request``), so a
reporter's request cannot inherit what a staff request, a test or a command had open.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import MappingProxyType

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from flask import Flask, g

_open_keys: ContextVar[Mapping[str, X25519PrivateKey]] = ContextVar("tracker_open_keys", default=MappingProxyType({}))
_G_SLOT = "_keyholder_token"


def open_key(kid: str) -> X25519PrivateKey | None:
    """The private key with this id if it is open in this context."""
    return _open_keys.get().get(kid)


def has_open_keys() -> bool:
    """Whether any private key is open in this context."""
    return bool(_open_keys.get())


@contextmanager
def holding(keys: Mapping[str, X25519PrivateKey]) -> Iterator[None]:
    """Open these keys (in addition to any already open) for the block."""
    token = _open_keys.set(MappingProxyType({**_open_keys.get(), **keys}))
    try:
        yield
    finally:
        _open_keys.reset(token)


def hold_for_request(kid: str, key: X25519PrivateKey) -> None:
    """Open a key until the end of this request (called once the session proved who asks)."""
    _open_keys.set(MappingProxyType({**_open_keys.get(), kid: key}))


def close_for_request() -> None:
    """Start the request with no key open, remembering what was open around it."""
    token: Token = _open_keys.set(MappingProxyType({}))
    g.setdefault(_G_SLOT, []).append(token)


def restore_after_request(_exc: BaseException | None = None) -> None:
    """Forget the keys this request opened."""
    tokens = g.get(_G_SLOT)
    if tokens:
        _open_keys.reset(tokens.pop())


def init_app(app: Flask) -> None:
    """Every request starts and ends with no key open."""
    app.before_request(close_for_request)
    app.teardown_request(restore_after_request)
