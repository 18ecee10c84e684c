"""Command groups that belong to no single feature module."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the command groups of the feature modules (each lives beside its code)."""
    from .casework.cli import people_cli
    from .demo import demo_data_command
    from .exchange.cli import import_cli
    from .exchange.partner_cli import exchange_cli
    from .staff.cli import users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(people_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(exchange_cli)
