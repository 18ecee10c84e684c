"""The reporter side: public pages that never import staff code (STYLE: separate at import level)."""
from __future__ import annotations

from flask import Flask

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
    # Per client (a daily keyed digest of the address, tracker.limits) and for everyone at once:
    # Tor users share exits, so per-address limits alone are both too weak and too harsh.
    "INTAKE_SUBMIT_LIMIT": "10 per hour",
    "INTAKE_SUBMIT_GLOBAL_LIMIT": "300 per minute",
    "INTAKE_RECEIPT_LIMIT": "10 per 10 minutes",
    "INTAKE_RECEIPT_GLOBAL_LIMIT": "120 per minute",
    "INTAKE_RECEIPT_SESSION_MINUTES": 15,
    "INTAKE_KEEP_IMAGE_ORIGINALS": False,
    "INTAKE_QUICK_EXIT_URL": None,  # None: the neutral local page /exit
}


def init_app(app: Flask) -> None:
    """Register the reporter blueprint and its settings."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.register_blueprint(bp)


@bp.context_processor
def _template_helpers() -> dict:
    """Vocabulary terms and country names for the reporter templates."""
    from flask_babel import get_locale

    return {"terms": taxonomy.terms, "term_label": taxonomy.label,
            "country_list": lambda: country_names(str(get_locale()))}
