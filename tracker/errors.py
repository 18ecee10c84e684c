"""Error pages, and failing closed when storage or the keyring is unavailable.

Every error is a translated page (or a small JSON body under /api/), carries the same security
headers as any response, and says nothing an outsider could use: no stack trace, no version,
no SQL. When the database, the disk or the keyring fails, nothing is stored half-way or in the
clear; the transaction is rolled back and the person is told their data was NOT received.
"""
from __future__ import annotations

import errno
import logging

from flask import Flask, abort, current_app, g, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter, Map

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
# Every id column is an INTEGER: PostgreSQL refuses anything above 2^31 - 1 (a 503 before), and
# SQLite anything above 2^63 - 1 (a 500): such an id names nothing, so it is a 404.
MAX_ID = 2**31 - 1
# SQLSTATEs of a value the database refuses as data: a number out of range (an id that names
# nothing: 404), a NUL or invalid byte in text or a string too long (a bad request: 400).
OUT_OF_RANGE_SQLSTATES = frozenset({"22003"})
BAD_TEXT_SQLSTATES = frozenset({"22021", "22001", "22P05"})


def _digits_up_to(limit: str) -> str:
    """A regular expression for the decimal numbers 0..``limit`` (no leading zeros needed)."""
    shorter = f"[0-9]{{1,{len(limit) - 1}}}" if len(limit) > 1 else ""
    same_length = [f"{limit[:i]}[0-{int(d) - 1}][0-9]{{{len(limit) - i - 1}}}"
                   for i, d in enumerate(limit) if d != "0"] + [limit]
    return "(?:" + "|".join(filter(None, [shorter, *same_length])) + ")"


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: digits within the id columns' range, else no match (404).

    The range is in the pattern, not only in ``to_python``: werkzeug answers 405 instead of 404
    when a path matches one method's rule pattern and only fails the other method's conversion.
    """

    regex = _digits_up_to(str(MAX_ID))

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 - werkzeug's names
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


class DepthSafeJSON(DefaultJSONProvider):
    """JSON bodies nested deeper than Python's recursion limit are bad requests, not a 500."""

    def loads(self, s: str | bytes, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc


def bad_data_status(error: Exception) -> int | None:
    """404 or 400 when the database refused a value the client sent, None for any other error
    (issue 16, item 5: ids beyond 2^63 were a 500, beyond 2^31 a 503; a NUL in text a 503)."""
    cause = error.orig if isinstance(error, StatementError) else error
    if isinstance(cause, OverflowError) or getattr(cause, "sqlstate", None) in OUT_OF_RANGE_SQLSTATES:
        return 404  # SQLite's and PostgreSQL's refusal of an integer beyond the column
    if getattr(cause, "sqlstate", None) in BAD_TEXT_SQLSTATES:
        return 400
    if isinstance(error, StatementError) and "NUL (0x00)" in str(cause):
        return 400  # psycopg refuses a NUL in text before sending it (no SQLSTATE)
    return None


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
    return {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large", 429: "rate_limited",
            503: "unavailable"}.get(code, "error")


def handle_http_error(error: HTTPException):
    """Render any HTTP error (404, 405, 429...) as a page of ours, keeping headers like Allow."""
    response = error.get_response()
    body, code = error_response(error.code or 500)
    if isinstance(body, str):
        response.set_data(body)
        response.mimetype = "text/html"
    else:
        body.headers.extend((name, value) for name, value in response.headers.items()
                            if name in ("Allow", "Retry-After"))
        response = body
    if "Allow" in response.headers:  # never advertise a method every URL refuses (OPTIONS)
        offered = (method.strip() for method in response.headers["Allow"].split(","))
        response.headers["Allow"] = ", ".join(m for m in offered if m and m not in REFUSED_METHODS)
    response.status_code = code
    return response


def handle_storage_failure(error: Exception):
    """Storage failed outside the report form: a 503 page, nothing kept, nothing leaked."""
    if bad_data_status(error):
        return handle_bad_data(error)
    if not is_storage_failure(error):
        raise error
    log_storage_failure(error)
    return error_response(503, storage_failure_message())


def handle_bad_data(error: Exception):
    """A value the database cannot hold reached it (a safety net behind the input checks, for
    ids and text in query strings, forms and JSON): an id out of range names nothing (404), bad
    text is a bad request (400). Nothing is stored: the refused transaction is rolled back."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    if bad_data_status(error) == 404:
        return error_response(404)
    return error_response(400, gettext("This request contains a value that cannot be stored, such as "
                                       "an invisible control character. Remove it and try again."))


def handle_unexpected(error: InternalServerError):
    """Anything else (Flask has logged it): a plain 500 page with nothing an outsider could use."""
    return error_response(error.code or 500)


def refuse_unused_methods() -> None:
    """Reject TRACE, OPTIONS and the like on every URL before any view runs, saying in ``Allow``
    which methods the URL does serve (RFC 9110 requires it on a 405)."""
    if request.method in REFUSED_METHODS:
        abort(405, valid_methods=allowed_methods())


def allowed_methods() -> list[str]:
    """The methods this request's URL serves, without the refused ones."""
    adapter = current_app.create_url_adapter(request)
    methods = set(adapter.allowed_methods()) if adapter is not None else set()
    return sorted(methods - REFUSED_METHODS) or ["GET", "HEAD"]


def init_app(app: Flask) -> None:
    """Install the error handlers, the method filter, bounded ids and depth-safe JSON.

    Called before any blueprint is registered: routes take their converters when added.
    """
    app.url_map.converters["int"] = IdConverter
    app.json = DepthSafeJSON(app)
    app.before_request(refuse_unused_methods)
    app.register_error_handler(OverflowError, handle_bad_data)
    app.register_error_handler(HTTPException, handle_http_error)
    for failure in STORAGE_FAILURES:
        app.register_error_handler(failure, handle_storage_failure)
    app.register_error_handler(InternalServerError, handle_unexpected)
