"""The analyst workspace: statistics that cannot identify anyone, charts, a map and exports.

Disclosure control (``disclosure.py``) is the only way numbers leave; see the README section
"Analysis and exports" for the rules it enforces.
"""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("analytics", __name__, url_prefix="/analytics")

# Aggregates only, but still least privilege (DESIGN §2): the analysts whose job this is, and
# admins who answer for what the organisation publishes.
ANALYTICS_ROLES = ("analyst", "admin")


def init_app(app: Flask) -> None:
    """Add the dashboard's navigation link, the kept counts' upkeep and the ``flask export`` and
    ``flask analytics`` commands; the pages are mounted with the app's pages (tracker/pages.py)."""
    from ..cli import add_command_path
    from ..pages import defer
    from ..staff.navigation import add_nav_item
    from . import upkeep
    from .disclosure import check_threshold

    check_threshold(app.config)
    upkeep.init_app(app)
    defer(app, lambda: _mount(app))
    add_command_path(app, "export", "tracker.analytics.cli:export_cli")
    add_command_path(app, "analytics", "tracker.analytics.cli:analytics_cli")
    add_nav_item(app, "analytics.dashboard", "Statistics", ANALYTICS_ROLES)


def _mount(app: Flask) -> None:
    """The dashboard's views and blueprint: imported only by an app that serves pages."""
    from . import views  # noqa: F401 - registers the routes on bp

    app.register_blueprint(bp)
