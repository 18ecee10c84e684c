"""``flask people …``: maintenance of people's records from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..db import get_session
from .names import reindex_people

people_cli = AppGroup("people", help="People's records.")


@people_cli.command("reindex-names")
@click.option("--as", "email", required=True,
              help="A caseworker or admin whose password opens the names (asked for, not echoed).")
def reindex_names_command(email: str) -> None:
    """Recompute every person's name-search digests (after an upgrade that changed the name keys).

    It opens sealed names, so a person must open the organisation key with their password, typed
    now (DESIGN §2); without it the names would read "[sealed]" and index nothing useful.
    """
    from ..maintenance.organisation_key import unlock_as

    with unlock_as(email):
        count = reindex_people(get_session())
    click.echo(f"Re-indexed the names of {count} people.")
