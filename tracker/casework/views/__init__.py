"""Casework pages: the blueprint, who may open it, and how domain errors become responses.

Only caseworkers see personal data (DESIGN §1, least privilege); every page that shows a
report, a person or a case records a view event in the audit log (DESIGN §2).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from pydantic import ValidationError
from werkzeug.exceptions import NotFound as HTTPNotFound

from ... import taxonomy
from ...audit import record
from ...countries import country_name, country_names
from ...db import get_session
from ...staff.auth import role_required
from ..dates import shown_date
from ..errors import CaseworkError, NotFound

bp = Blueprint("casework", __name__, url_prefix="/casework")
caseworker_only = role_required("caseworker")


@bp.errorhandler(NotFound)
def not_found(_error: NotFound) -> HTTPNotFound:
    """An unknown object is a plain 404."""
    return HTTPNotFound()


@bp.context_processor
def vocabulary_helpers() -> dict[str, Any]:
    """Labels and choices for codes and countries, translated when the page renders."""
    locale = str(get_locale() or "en")
    return {"label": taxonomy.label, "choices": taxonomy.choices, "when": shown_date,
            "track": taxonomy.status_track,
            "country_name": lambda code: country_name(code, locale) if code else "",
            "countries": lambda: country_names(locale)}


def audit_view(object_type: str, object_id: int) -> None:
    """Record that the signed-in caseworker viewed personal data of this object."""
    record(get_session(), f"{object_type}.view", user_id=current_user.id, object_type=object_type,
           object_id=object_id)
    get_session().commit()


def done(message: str, endpoint: str, **values: Any):
    """Commit the change, say so, and show the page it belongs to (POST-redirect-GET)."""
    get_session().commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values), code=303)


def explain(error: Exception) -> None:
    """Roll back and say what was wrong with the input."""
    get_session().rollback()
    if isinstance(error, ValidationError):
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]) or _("form")
            flash(f"{field}: {problem['msg']}", "error")
    elif isinstance(error, CaseworkError):
        flash(str(error), "error")


def refused(error: Exception, endpoint: str, **values: Any):
    """Roll back, explain what was wrong with the input, and go back to the form."""
    explain(error)
    return redirect(url_for(endpoint, **values), code=303)


def int_arg(name: str) -> int | None:
    """An integer query or form parameter, or None when missing or not a number."""
    value = request.values.get(name, "").strip()
    return int(value) if value.isdigit() else None


def user_id() -> int:
    """The signed-in caseworker's account id, for domain functions and the audit log."""
    return current_user.id
