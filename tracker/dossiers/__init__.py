"""Referral dossiers (issue 15 item 4): a case file as PDF for the UN Working Group on Enforced or
Involuntary Disappearances, a UN urgent appeal, or the host country's police.

``consent`` records who agreed to which referral; ``content`` and ``gather`` assemble and redact
what the dossier shows; ``render`` and ``pdf`` typeset it with local fonts and no fetching;
``make`` ties them together with the intervention and the audit log; ``views`` is the staff page
and ``cli`` the ``flask dossier`` command.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register ``flask dossier``; the dossier page (reached from the case page) is mounted with
    the app's pages (tracker/pages.py)."""
    from ..cli import add_command_path
    from ..pages import defer

    defer(app, lambda: _mount(app))
    add_command_path(app, "dossier", "tracker.dossiers.cli:dossier_command")


def _mount(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
