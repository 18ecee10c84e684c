"""The staff side: login, second factor, sessions, roles, admin pages, the audit log page.

Reporter pages never import this package (STYLE: public and staff code are separate).
"""
from __future__ import annotations

from flask import Blueprint, Flask, g

bp = Blueprint("staff", __name__, url_prefix="/staff")

# View modules register their routes on ``bp`` when imported by init_app.
VIEW_MODULES = ("login", "first_login", "account")


def init_app(app: Flask) -> None:
    """Install Flask-Login and the navigation, and mount the staff blueprint."""
    from importlib import import_module

    from .auth import login_manager
    from .navigation import nav_items

    for name in VIEW_MODULES:
        import_module(f"{__name__}.{name}")
    login_manager.init_app(app)
    app.before_request(forget_previous_user)
    app.jinja_env.globals["staff_nav_items"] = nav_items
    app.register_blueprint(bp)


def forget_previous_user() -> None:
    """Resolve the signed-in user afresh for every request, even when an app context outlives
    one request (as in tests): a session ended a moment ago must not linger in ``g``."""
    g.pop("_login_user", None)
