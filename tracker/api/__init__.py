"""The JSON API under /api/v1, for partner organisations' tools and staff scripts.

Each area adds a module here that registers its routes on ``bp`` and describes them in
``OPENAPI_PATHS`` (and ``OPENAPI_SCHEMAS``); ``openapi.py`` merges those into one document, and
a test checks that every route under /api/v1 is documented and every documented path exists.
"""
from __future__ import annotations

from flask import Blueprint, Flask

from ..security import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Modules that add routes and OpenAPI fragments; each area appends its own module name here.
API_MODULES: list[str] = ["openapi", "reports", "tokens", "casework", "verification", "custody", "stats", "queue",
                          "followups"]


def init_app(app: Flask) -> None:
    """Import the API modules (they register their routes) and mount the blueprint, with the
    app's pages (tracker/pages.py)."""
    from ..pages import defer

    defer(app, lambda: _mount(app))


def _mount(app: Flask) -> None:
    from importlib import import_module

    for name in API_MODULES:
        import_module(f"{__name__}.{name}")
    # JSON clients send no CSRF token; reporter endpoints are anonymous and staff endpoints
    # authenticate with a bearer token, which a cross-site form cannot attach.
    csrf.exempt(bp)
    app.register_blueprint(bp)
