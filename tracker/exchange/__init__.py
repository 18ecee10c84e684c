"""Data in and out of the tracker: spreadsheet import first (DESIGN §7, issue 15)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the import page and add it to the caseworkers' navigation."""
    from ..staff.navigation import add_nav_item
    from .views import bp

    app.register_blueprint(bp)
    add_nav_item(app, "exchange.import_page", "Import", ("caseworker",))
