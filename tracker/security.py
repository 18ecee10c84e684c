"""Response headers and request logging: nothing leaves the server, nothing about visitors is kept.

No IP address, user agent or query string is written anywhere (DESIGN §2); the development
server's access log is therefore silenced, and gunicorn is started without an access log.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_wtf.csrf import CSRFProtect

from . import bidi
from .config import ConfigurationError

# No inline script or style, nothing from another origin, no framing (DESIGN §2: "nothing leaves
# the server unasked"; a CSP makes that a browser-enforced rule rather than a habit).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def set_security_headers(response: Response) -> Response:
    """Apply the headers every response carries, errors and static files included."""
    headers = response.headers
    # A response that brings its own, stricter policy keeps it (an evidence file's sandbox).
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if request.endpoint != "static":
        # A shared or seized device must not keep copies of what a reporter or caseworker saw.
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        onion = current_app.config.get("ONION_LOCATION")
        if onion:
            # Tor Browser offers the onion service's address for this page (README: Deployment).
            headers["Onion-Location"] = str(onion).rstrip("/") + request.path
    headers.pop("Server", None)
    return response


class _NoClientLines(logging.Filter):
    """Drop werkzeug's per-request lines ("ADDRESS - - [date] ..."); keep its start-up lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        return " - - [" not in str(record.msg)


def silence_access_log() -> None:
    """The development server's access and request-error lines start with the client address;
    drop them, but keep the "Running on http://..." banner a new user needs."""
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, _NoClientLines) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(_NoClientLines())


def check_onion_location(onion: object) -> None:
    """ONION_LOCATION must be the onion service's own http(s)://....onion address, or unset."""
    if not onion:
        return
    parts = urlsplit(str(onion))
    if parts.scheme not in ("http", "https") or not (parts.hostname or "").endswith(".onion") \
            or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigurationError("ONION_LOCATION must be the onion service's address, such as "
                                 "http://<56 characters>.onion (no path).")


# CSRF protection for every form (Flask-WTF); JSON API views authenticated by token opt out.
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Install CSRF protection, the headers and the bidi-control guard; quiet the access log."""
    csrf.init_app(app)
    bidi.init_app(app)
    app.after_request(set_security_headers)
    silence_access_log()
    check_onion_location(app.config.get("ONION_LOCATION"))
    if app.config.get("PREFER_SECURE_COOKIES", False):
        app.config["SESSION_COOKIE_SECURE"] = True
