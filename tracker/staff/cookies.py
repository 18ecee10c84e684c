"""The session cookie is marked Secure whenever the request came over TLS.

Flask marks it Secure only when configured to; an operator who serves HTTPS but forgets the
setting would otherwise send the staff session token over any later plain-HTTP request that a
network adversary provokes (DESIGN §2: the adversary reads traffic near the user).
"""
from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface


class TlsAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure on TLS requests as well as when configured."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure if configured, or if this request arrived over HTTPS."""
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)
