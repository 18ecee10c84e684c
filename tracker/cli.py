"""The ``flask`` command groups: registered by name, imported when run (issue 17: start-up)."""
from __future__ import annotations

from importlib import import_module

import click
from flask import Flask
from flask.cli import AppGroup

# Groups that belong to no single feature module's init_app, each living beside its code.
COMMANDS = {
    "users": "tracker.staff.cli:users_cli",
    "demo-data": "tracker.demo:demo_data_command",
    "people": "tracker.casework.cli:people_cli",
    "import": "tracker.exchange.cli:import_cli",
    "exchange": "tracker.exchange.partner_cli:exchange_cli",
}


class CommandGroups(AppGroup):
    """The app's top-level ``flask`` group, where a feature registers a group by its import path.

    A group's module is imported when the group is asked for: ``flask keys --help`` imports the
    key commands and not the backup, import or dossier ones. ``flask --help`` still imports every
    group, for its one-line help. Commands added as objects (``add_command``) work as before.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.by_path: dict[str, str] = {}

    def add_command_path(self, name: str, path: str) -> None:
        """Register ``name`` as ``"package.module:attribute"``, imported on first use."""
        self.commands.pop(name, None)
        self.by_path[name] = path

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.by_path})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        path = self.by_path.pop(cmd_name, None)
        if path is not None:
            self.add_command(load(path), cmd_name)
        return super().get_command(ctx, cmd_name)


def load(path: str) -> click.Command:
    """The command that ``"package.module:attribute"`` names."""
    module, _, attribute = path.partition(":")
    return getattr(import_module(module), attribute)


def add_command_path(app: Flask, name: str, path: str) -> None:
    """Register a command group by import path: on demand with CommandGroups, else now (a bare
    Flask app in a test has Flask's own AppGroup)."""
    if isinstance(app.cli, CommandGroups):
        app.cli.add_command_path(name, path)
    else:
        app.cli.add_command(load(path), name)


def init_app(app: Flask) -> None:
    """Register the command groups of the feature modules (each lives beside its code)."""
    for name, path in COMMANDS.items():
        add_command_path(app, name, path)
