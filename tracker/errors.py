"""Error pages, and failing closed when storage or the keyring is unavailable.

Every error is a translated page (or a small JSON body under /api/), carries the same security
headers as any response, and says nothing an outsider could use: no stack trace, no version,
no SQL. When the database, the disk or the keyring fails, nothing is stored half-way or in the
clear; the transaction is rolled back and the person is told their data was NOT received.
"""
from __future__ import annotations

import errno
import logging

from flask import Flask, abort, jsonify, render_template, request
from flask_babel import gettext
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError
from werkzeug.exceptions import HTTPException, InternalServerError

from .crypto import SealError
from .key_check import KeyringMismatch
from .models.types import KeyringUnavailable

log = logging.getLogger(__name__)

# The failures that mean "could not store safely now": the keyring is missing, does not open a
# value or is not the one that sealed the database, the database is unreachable or refuses the
# write, or the disk is full (OSError). SQLAlchemy wraps an error raised while sealing a
# parameter in a StatementError.
STORAGE_FAILURES: tuple[type[Exception], ...] = (KeyringUnavailable, KeyringMismatch, SealError, OperationalError,
                                                 DBAPIError, StatementError, OSError)
# Methods no route uses: TRACE echoes requests (cross-site tracing); OPTIONS would advertise
# routes to cross-origin callers that this app never serves.
REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT", "OPTIONS"})
# OSErrors that mean the storage itself is failing, as opposed to a bug.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})


def is_storage_failure(error: Exception) -> bool:
    """Whether an exception means "cannot store safely now" rather than a programming error."""
    if isinstance(error, DBAPIError):
        return True
    if isinstance(error, StatementError):
        return isinstance(error.orig, Exception) and is_storage_failure(error.orig)
    if isinstance(error, OSError):
        return error.errno in STORAGE_ERRNOS
    return isinstance(error, STORAGE_FAILURES)


def log_storage_failure(error: Exception) -> None:
    """Tell the operator what kind of failure happened, never what was being stored.

    Database exceptions quote their SQL and parameters, so only the class name is logged.
    """
    log.error("storage unavailable: %s", type(error).__name__)


def storage_failure_message() -> str:
    """The sentence a reporter must see when their submission was not stored."""
    return gettext("Your report was NOT received: the service cannot store it safely right now. "
                   "Nothing was saved. Your answers are still in the form below; please try "
                   "again later.")


def error_response(code: int, message: str | None = None):
    """A translated error page, or a JSON error for API clients."""
    if request.path.startswith("/api/"):
        return jsonify(error=_api_word(code)), code
    return render_template("errors/page.html", code=code, message=message), code


def _api_word(code: int) -> str:
    return {404: "not_found", 405: "method_not_allowed", 413: "too_large", 429: "rate_limited",
            503: "unavailable"}.get(code, "error")


def handle_http_error(error: HTTPException):
    """Render any HTTP error (404, 405, 429...) as a page of ours, keeping headers like Allow."""
    response = error.get_response()
    body, code = error_response(error.code or 500)
    if isinstance(body, str):
        response.set_data(body)
        response.mimetype = "text/html"
    else:
        response = body
    response.status_code = code
    return response


def handle_storage_failure(error: Exception):
    """Storage failed outside the report form: a 503 page, nothing kept, nothing leaked."""
    if not is_storage_failure(error):
        raise error
    log_storage_failure(error)
    return error_response(503, storage_failure_message())


def handle_unexpected(error: InternalServerError):
    """Anything else (Flask has logged it): a plain 500 page with nothing an outsider could use."""
    return error_response(error.code or 500)


def refuse_unused_methods() -> None:
    """Reject TRACE, OPTIONS and the like on every URL before any view runs."""
    if request.method in REFUSED_METHODS:
        abort(405)


def init_app(app: Flask) -> None:
    """Install the error handlers and the method filter."""
    app.before_request(refuse_unused_methods)
    app.register_error_handler(HTTPException, handle_http_error)
    for failure in STORAGE_FAILURES:
        app.register_error_handler(failure, handle_storage_failure)
    app.register_error_handler(InternalServerError, handle_unexpected)
