"""``flask users``: staff accounts from the command line (the only way to make the first admin)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..db import get_session
from ..key_check import require_matching_keyring
from .accounts import ROLES, AccountError, create_user, totp_uri


@click.group("users", cls=AppGroup)
def users_cli() -> None:
    """Manage staff accounts."""


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
def create_command(email: str, role: str) -> None:
    """Create a staff account and print its one-time password and second-factor secret."""
    require_matching_keyring()  # the second-factor secret is sealed: only under the database's own keys
    session = get_session()
    try:
        user, password = create_user(session, email, role)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    session.commit()
    click.echo(f"Created {role} {user.email}.")
    click.echo(f"One-time password (must be changed at first login): {password}")
    click.echo(f"TOTP secret: {user.totp_secret}")
    click.echo(f"TOTP enrolment URI: {totp_uri(user, user.totp_secret)}")
    click.echo("Give these to the person over a safe channel; they are not shown again.")
