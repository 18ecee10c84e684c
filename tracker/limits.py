"""Rate limits (Flask-Limiter), keyed without keeping anyone's address.

The limiter's default key is the client's IP address, which would then sit in memory or Redis.
Here the key is a keyed digest of the address that changes every day, so a limit still applies
to one client while no address, or anything that links one day's traffic to the next, is kept
(DESIGN §2). Tor users share exit addresses, so forms that matter (receipt checks, logins) add
limits keyed on what is being tried as well (see intake and staff).
"""
from __future__ import annotations

from datetime import date

from flask import Flask, request
from flask_limiter import Limiter

from .crypto import get_sealer


def client_key() -> str:
    """A per-day keyed digest of the client address; the address itself is never stored."""
    address = request.remote_addr or "unknown"
    return get_sealer().token_digest("ratelimit-client", f"{date.today().isoformat()}|{address}")[:32]


# Like every Flask extension object, this holds no app or connection until init_app.
limiter = Limiter(key_func=client_key, default_limits=[], headers_enabled=False)


def init_app(app: Flask) -> None:
    """Bind the limiter; storage comes from RATELIMIT_STORAGE_URI (memory, or Redis)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
