"""Data in and out of the tracker: spreadsheet import first (DESIGN §7, issue 15)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the import and partner exchange pages to the staff navigation; they are mounted with
    the app's pages (tracker/pages.py)."""
    from ..pages import defer
    from ..staff.navigation import add_nav_item

    defer(app, lambda: _mount(app))
    add_nav_item(app, "exchange.import_page", "Import", ("caseworker",))
    add_nav_item(app, "partners.exchange_page", "Partners", ("caseworker", "admin"))


def _mount(app: Flask) -> None:
    """Mount the import pages, then the partner exchange pages."""
    from .partner_views import bp as partners_bp
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(partners_bp)
