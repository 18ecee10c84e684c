"""Incident tracker for transnational repression: the application factory."""
from __future__ import annotations

from importlib import import_module
from typing import Any
from collections.abc import Mapping

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints; nothing else.

    It never migrates or prompts (STYLE: the factory only wires things together); the one
    piece of work it may do is create the instance folder's secrets on a genuine first run.
    The pages (view modules and blueprints) are set up when the app first needs them, in the
    order they are queued here (tracker/pages.py): a command that serves no page never imports
    them. Settings, start-time checks, commands and navigation links are set up now.
    """
    from .pages import TrackerApp

    app = TrackerApp(
        __name__,
        instance_relative_config=True,
        instance_path=instance_path,
        template_folder="../templates",
        static_folder="../static",
    )
    from . import cli, config

    # Command groups registered by import path are imported only when run (tracker/cli.py).
    app.cli = cli.CommandGroups(app.name)
    config.load(app, test_config)

    from . import analytics, api, audit, crypto, db, health, i18n, limits, maintenance, security, staff
    from . import casework, dossiers, errors, exchange, geo, key_check, keyholder, notify, openrosa, orgkey

    crypto.init_app(app)
    keyholder.init_app(app)  # first: every request starts with no private key open
    db.init_app(app)
    orgkey.init_app(app)
    key_check.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    limits.init_app(app)
    audit.init_app(app)
    cli.init_app(app)
    geo.init_app(app)
    maintenance.init_app(app)
    notify.init_app(app)
    errors.init_app(app)

    app.register_blueprint(health.bp)  # queued: every blueprint the factory registers waits for the pages
    # tracker.intake imports its views when imported, so all of it waits for the pages (its
    # INTAKE_* defaults are read by the reporter pages and by openrosa's, which come after).
    app.defer(lambda: import_module("tracker.intake").init_app(app))
    staff.init_app(app)
    casework.init_app(app)
    exchange.init_app(app)
    dossiers.init_app(app)
    openrosa.init_app(app)
    analytics.init_app(app)
    api.init_app(app)
    app.factory_done()
    return app
