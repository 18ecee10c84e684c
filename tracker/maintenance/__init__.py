"""Keeping the data safe over time: encrypted backups, key rotation and retention.

Commands: ``flask backup create|restore``, ``flask keys init|migrate|recover|rotate|reseal|status`` and
``flask retention run|extend``, ``flask evidence check|copy-to-database``. Nothing here runs inside a request.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the maintenance command groups (each imported when run: tracker/cli.py)."""
    from ..cli import add_command_path

    add_command_path(app, "backup", "tracker.maintenance.backup:backup_cli")
    add_command_path(app, "evidence", "tracker.maintenance.evidence_files:evidence_cli")
    # Through organisation_key, which adds keys init, migrate and recover to the group in keys.py.
    add_command_path(app, "keys", "tracker.maintenance.organisation_key:keys_cli")
    add_command_path(app, "retention", "tracker.maintenance.retention_cli:retention_cli")
