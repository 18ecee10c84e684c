"""``flask users``: staff accounts from the command line (the only way to make the first admin)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..db import get_session
from ..key_check import require_matching_keyring
from .accounts import ROLES, AccountError, create_user


@click.group("users", cls=AppGroup)
def users_cli() -> None:
    """Manage staff accounts."""


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
def create_command(email: str, role: str) -> None:
    """Create a staff account and print its one-time password.

    Its second-factor secret is made at the person's own first sign-in and shown only to them,
    so whoever runs this never holds it (issue 16 §6). The command line holds no organisation
    key, so the account opens no case data until an admin grants access on the accounts page
    (the very first admin is made by `flask keys init --admin EMAIL`, which grants it)."""
    require_matching_keyring()
    session = get_session()
    try:
        user, password = create_user(session, email, role)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    session.commit()
    click.echo(f"Created {role} {user.email}.")
    click.echo(f"One-time password (must be changed at first login): {password}")
    click.echo("Give it to the person over a safe channel; it is not shown again. At first sign-in "
               "they choose a password and enrol their authenticator app.")
    if role != "analyst":
        click.echo("No access to case data yet: an admin grants it on Staff accounts.")
