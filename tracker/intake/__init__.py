"""The reporter side: public pages that never import staff code (STYLE: separate at import level)."""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from flask import Flask
from flask_babel import force_locale, get_locale

from .. import taxonomy
from ..countries import country_names
from . import errors, inbox, views  # noqa: F401 - they register their routes and handlers
from .views import bp

__all__ = ["bp", "init_app"]

# Defaults an organisation can override in instance/config.py or TRACKER_* variables.
DEFAULTS = {
    "INTAKE_MAX_FILE_BYTES": 10 * 2**20,
    "INTAKE_MAX_REQUEST_BYTES": 25 * 2**20,
    "INTAKE_MAX_FILES": 5,
    # Per form pass (or per address for API calls), per client address when it is known, and
    # for everyone at once (intake/throttle.py): clients that share one address (an onion
    # service, a Tor exit) must not share one budget, or one attacker locks all of them out.
    "INTAKE_SUBMIT_LIMIT": "10 per hour",
    "INTAKE_SUBMIT_ADDRESS_LIMIT": "30 per hour",
    "INTAKE_SUBMIT_GLOBAL_LIMIT": "300 per minute",
    "INTAKE_RECEIPT_LIMIT": "10 per 10 minutes",
    "INTAKE_RECEIPT_ADDRESS_LIMIT": "30 per 10 minutes",
    "INTAKE_RECEIPT_GLOBAL_LIMIT": "120 per minute",
    "INTAKE_RECEIPT_SESSION_MINUTES": 15,
    "INTAKE_RECEIPT_SESSION_MAX_MINUTES": 120,  # absolute: a copied cookie dies even if kept busy
    "INTAKE_KEEP_IMAGE_ORIGINALS": False,
    "INTAKE_QUICK_EXIT_URL": None,  # None: the neutral local page /exit
}


def init_app(app: Flask) -> None:
    """Register the reporter blueprint and its settings."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.register_blueprint(bp)


class LocalTerm(NamedTuple):
    """A taxonomy term with its label and definition already in one language."""

    code: str
    label: str
    definition: str
    group: str | None


@lru_cache(maxsize=512)
def local_terms(vocabulary: str, locale: str) -> tuple[LocalTerm, ...]:
    """A vocabulary in one language, translated once: the form shows ~150 terms per page load,
    and resolving each lazy string per request was the largest cost of rendering it."""
    with force_locale(locale):
        return tuple(LocalTerm(t.code, str(t.label), str(t.definition), t.group) for t in taxonomy.terms(vocabulary))


@bp.context_processor
def _template_helpers() -> dict:
    """Vocabulary terms and country names for the reporter templates, in the page's language."""
    locale = str(get_locale())
    return {
        "terms": lambda vocabulary: local_terms(vocabulary, locale),
        "term_label": lambda vocabulary, code: next(t.label for t in local_terms(vocabulary, locale) if t.code == code),
        "country_list": lambda: reporter_country_names(locale),
    }


@lru_cache(maxsize=16)
def reporter_country_names(locale: str) -> dict[str, str]:
    """Country names in the reader's language; English where CLDR has no name in it (it then
    returns the bare code, which nobody can pick from a list)."""
    local, english = country_names(locale), country_names("en")
    return {code: name if name != code else english[code] for code, name in local.items()}
