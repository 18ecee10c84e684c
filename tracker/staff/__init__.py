"""The staff side: login, second factor, sessions, roles, admin pages, the audit log page.

Reporter pages never import this package (STYLE: public and staff code are separate).
"""
from __future__ import annotations

from flask import Blueprint, Flask, g

from .scope import clear_scope

bp = Blueprint("staff", __name__, url_prefix="/staff")

# View modules register their routes on ``bp`` when imported by init_app.
VIEW_MODULES = ("login", "first_login", "account", "admin", "audit_log", "api_tokens", "keys", "approvals")


def init_app(app: Flask) -> None:
    """Check the password settings and add the navigation now; the staff pages, Flask-Login and
    the session cookies are set up with the app's pages (tracker/pages.py)."""
    from ..pages import defer
    from .navigation import add_nav_item, nav_items
    from .passwords import check_profile

    check_profile(app.config)
    app.jinja_env.globals["staff_nav_items"] = nav_items
    add_nav_item(app, "staff.list_users", "Staff accounts", ("admin",))
    add_nav_item(app, "staff.audit_log", "Audit log", ("admin",))
    defer(app, lambda: _mount(app))


def _mount(app: Flask) -> None:
    """Import the staff views (they register their routes on ``bp``), install Flask-Login and mount ``bp``."""
    from importlib import import_module

    from .auth import login_manager
    from .cookies import TlsAwareSessionInterface

    for name in VIEW_MODULES:
        import_module(f"{__name__}.{name}")
    login_manager.init_app(app)
    app.session_interface = TlsAwareSessionInterface()
    app.before_request(forget_previous_request)
    app.register_blueprint(bp)


def forget_previous_request() -> None:
    """Resolve the signed-in user and CSRF token afresh for every request, even when an app
    context outlives one request (as in tests): a session ended a moment ago, or another
    browser's token, must not linger in ``g``."""
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    clear_scope()
