"""``flask evidence``: check that every evidence row's files are in the store, and move a
folder of files into the database store when a deployment grows to several app hosts."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import get_session
from ..evidence_store import DatabaseStore, FolderStore, MissingEvidence, current_store, evidence_names


@click.group("evidence", cls=AppGroup)
def evidence_cli() -> None:
    """Inspect and move the evidence store."""


@evidence_cli.command("check")
def check_command() -> None:
    """Fail if any file an evidence row names is missing from the configured store."""
    store = current_store()
    names = sorted(set(evidence_names(store.session)))
    missing = []
    for name in names:
        try:
            store.head(name)
        except MissingEvidence:
            missing.append(name)
    if missing:
        raise click.ClickException(f"{len(missing)} of {len(names)} evidence files are missing from the "
                                   f"{store.kind} store")
    click.echo(f"All {len(names)} evidence files are in the {store.kind} store.")


@evidence_cli.command("copy-to-database")
def copy_to_database_command() -> None:
    """Copy every file the database names from EVIDENCE_FOLDER into the database store.

    Safe to repeat and to run while the app serves on the folder store: each file is copied in
    a transaction of its own, then read back and compared. The folder is left as it was; set
    EVIDENCE_STORE=database on every host, restart them, then run ``flask evidence check``
    before erasing the folder.
    """
    session = get_session()
    folder = FolderStore(session, current_app.config["EVIDENCE_FOLDER"])
    database = DatabaseStore(session)
    names = sorted(set(evidence_names(session)))
    session.rollback()
    copied = absent = 0
    with click.progressbar(names, label="Copying evidence files") as bar:
        for name in bar:
            try:
                sealed = folder.get(name)
            except MissingEvidence:
                absent += 1
                continue
            database.replace(name, sealed)
            if database.get(name) != sealed:
                raise click.ClickException(f"{name} did not read back as written; nothing was removed")
            session.rollback()
            copied += 1
    click.echo(f"Copied {copied} evidence files into the database"
               + (f"; {absent} named files were not in the folder" if absent else "") + ".")
