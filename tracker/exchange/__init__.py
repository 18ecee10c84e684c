"""Data in and out of the tracker: spreadsheet import first (DESIGN §7, issue 15)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the import and partner exchange pages and add them to the staff navigation."""
    from ..staff.navigation import add_nav_item
    from .partner_views import bp as partners_bp
    from .views import bp

    app.register_blueprint(bp)
    add_nav_item(app, "exchange.import_page", "Import", ("caseworker",))
    app.register_blueprint(partners_bp)
    add_nav_item(app, "partners.exchange_page", "Partners", ("caseworker", "admin"))
