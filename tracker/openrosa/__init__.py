"""Offline collection: ODK Collect, KoboCollect and Tella send reports over OpenRosa (issue 15 item 2).

The collection endpoints (views.py) take the same path into the tracker as the web form: the
same validation, evidence checks, sealing, receipt and retry handling (tracker.intake). Devices
authenticate with credentials that admins issue and revoke (staff_views.py, devices.py).
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

DEFAULTS = {
    # Basic credentials travel in every request: only over TLS, or to an onion service.
    "OPENROSA_REQUIRE_TLS": True,
    # Each device's own budget; all submissions also count in INTAKE_SUBMIT_GLOBAL_LIMIT.
    "OPENROSA_DEVICE_LIMIT": "300 per hour",
    # Wrong credentials per client address (or for every client behind a shared address).
    "OPENROSA_AUTH_FAILURE_LIMIT": "30 per 10 minutes",
    "OPENROSA_MAX_XML_BYTES": 2 * 2**20,
    # The receipt code in the answer the app shows (README: who holds the device).
    "OPENROSA_RECEIPT_IN_RESPONSE": True,
    # Where generated XForms are kept (None: the instance folder's openrosa/).
    "OPENROSA_FORMS_FOLDER": None,
}


def init_app(app: Flask) -> None:
    """Settings and the navigation link now; the collection endpoints and the admin page are
    mounted with the app's pages (tracker/pages.py); forms are built on first request."""
    from ..pages import defer
    from ..staff.navigation import add_nav_item

    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    defer(app, lambda: _mount(app))
    add_nav_item(app, "openrosa_staff.devices", "Devices", ("admin",))


def _mount(app: Flask) -> None:
    """The form builder (after the reporter pages' INTAKE_* settings), then both blueprints."""
    from ..security import csrf
    from . import staff_views, views
    from .xlsform import FormBuilder

    config = app.config
    limits = {"files": int(config["INTAKE_MAX_FILES"]), "file_mb": int(config["INTAKE_MAX_FILE_BYTES"]) // 2**20}
    app.extensions["tracker.openrosa_forms"] = FormBuilder(
        Path(config["OPENROSA_FORMS_FOLDER"] or Path(app.instance_path) / "openrosa"),
        app.extensions["tracker.languages"], limits)
    csrf.exempt(views.bp)  # devices authenticate each request with a credential, never a cookie
    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
