"""Keeping the data safe over time: encrypted backups, key rotation and retention.

Commands: ``flask backup create|restore``, ``flask keys init|migrate|recover|rotate|reseal|status`` and
``flask retention run|extend``, ``flask evidence check|copy-to-database``. Nothing here runs inside a request.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the maintenance command groups."""
    from .backup import backup_cli
    from .evidence_files import evidence_cli
    from . import organisation_key  # noqa: F401 - adds keys init, migrate and recover
    from .keys import keys_cli
    from .retention_cli import retention_cli

    app.cli.add_command(backup_cli)
    app.cli.add_command(evidence_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(retention_cli)
