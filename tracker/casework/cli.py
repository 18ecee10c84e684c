"""``flask people …``: maintenance of people's records from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..db import get_session
from .names import reindex_people

people_cli = AppGroup("people", help="People's records.")


@people_cli.command("reindex-names")
def reindex_names_command() -> None:
    """Recompute every person's name-search digests (after an upgrade that changed the name keys).

    It opens sealed names, so the organisation key must be unlocked for it (DESIGN §2).
    """
    count = reindex_people(get_session())
    click.echo(f"Re-indexed the names of {count} people.")
