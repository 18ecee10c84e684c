"""The caseworker workspace: triage, incidents, people and relatives, cases, dedup, messaging.

Domain functions (``triage``, ``incidents``, ``people``, ``relatives``, ``cases``, ``dedup``,
``messages``, ``queue``, ``verification``, ``custody``) take the session explicitly and raise
``errors``; the pages in ``views/`` and the JSON API in ``tracker/api/casework.py`` (and its
``verification`` and ``custody`` siblings) are thin layers over them.
"""
from __future__ import annotations

from flask import Flask

VIEW_MODULES = ("queue", "reports", "incidents", "people", "cases", "verification", "evidence", "inbox")


def init_app(app: Flask) -> None:
    """Add the casework pages to the staff navigation; they are mounted with the app's pages (tracker/pages.py)."""
    from ..pages import defer
    from ..staff.navigation import add_nav_item

    defer(app, lambda: _mount(app))
    for endpoint, label in (("casework.queue", "Triage queue"), ("casework.cases", "Cases"),
                            ("casework.people", "People"), ("casework.inbox", "Inbox")):
        add_nav_item(app, endpoint, label, ("caseworker",))


def _mount(app: Flask) -> None:
    """Import the casework views (they register their routes on ``bp``) and mount it."""
    from importlib import import_module

    from .views import bp

    for name in VIEW_MODULES:
        import_module(f"{__name__}.views.{name}")
    app.register_blueprint(bp)
