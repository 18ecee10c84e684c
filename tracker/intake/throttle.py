"""Rate limits shared by the web form and the JSON API (issue 3, §6).

Each limit is shared across every route that uses it, so the form and the API draw on one
budget: a receipt guesser gains nothing by switching endpoints. Each kind has a per-client limit
(keyed by tracker.limits' daily digest of the address, never the address) and a ceiling for
everyone together, because Tor users share exit addresses: per-address limits alone would let a
botnet through and lock out a whole exit's worth of honest reporters.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from ..limits import limiter


def everyone() -> str:
    """One key for all clients, for the global ceilings."""
    return "everyone"


def _setting(name: str) -> Callable[[], str]:
    """A limit read from the configuration at request time (tests and deployments change it)."""
    return lambda: current_app.config[name]


def _limits(kind: str, methods: list[str] | None):
    """Per-client and global shared limits for one kind of request ("SUBMIT" or "RECEIPT")."""
    per_client = limiter.shared_limit(_setting(f"INTAKE_{kind}_LIMIT"), scope=f"intake-{kind.lower()}",
                                      methods=methods)
    for_everyone = limiter.shared_limit(_setting(f"INTAKE_{kind}_GLOBAL_LIMIT"), key_func=everyone,
                                        scope=f"intake-{kind.lower()}-all", methods=methods)
    return lambda view: per_client(for_everyone(view))


def submission_limits(methods: list[str] | None = None):
    """Limits on sending reports (only POST counts when ``methods=["POST"]``)."""
    return _limits("SUBMIT", methods)


def receipt_limits(methods: list[str] | None = None):
    """Limits on anything that checks a receipt."""
    return _limits("RECEIPT", methods)
