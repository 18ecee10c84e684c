"""``flask keys``: rotate the data key and re-seal personal data under it, without read downtime.

Rotation adds a key and makes it active; the old key stays in the ring, so every value opens
throughout. Running app servers load the ring at start, so on a live system rotate in two
steps: ``keys rotate --prepare`` (the new key joins the ring, inactive), reload the servers,
then ``keys rotate`` (activate it and re-seal). When keys come from the environment, the
command prints the new variables instead of writing them, and ``keys reseal`` does the rest.
A new key's check value is recorded in the database before the key is written anywhere, so
app servers accept it (tracker.key_check); ``keys retire`` drops a key nothing uses any more.
"""
from __future__ import annotations

import json
import os
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from .. import audit
from ..config import check_secrets, new_data_key, read_keys_file, write_keys_file
from ..crypto import Sealer
from ..orgkey import organisation_key_source
from ..db import get_engine, get_session
from ..key_check import KeyringMismatch, keyring_of, mark_retired, require_matching_keyring, verify_keyring
from .reseal import DEFAULT_BATCH_SIZE, reseal_everything, sealed_columns, values_by_key, values_by_table

NEXT_KEY = "NEXT_DATA_KEY"


def keys_from_environment() -> bool:
    """Whether this deployment takes its data keys from TRACKER_* variables, not keys.json."""
    return "TRACKER_DATA_KEYS" in os.environ or read_keys_file(current_app.instance_path) is None


def prepare_key(stored: dict[str, Any]) -> str:
    """Add a new, not yet active, key to a keys.json document; return its id."""
    key_id, key = new_data_key()
    stored["DATA_KEYS"] = {**stored["DATA_KEYS"], key_id: key}
    stored[NEXT_KEY] = key_id
    return key_id


def activate_key(stored: dict[str, Any]) -> str:
    """Make the prepared key (or a new one) active in a keys.json document; return its id."""
    key_id = stored.pop(NEXT_KEY, None)
    if key_id not in stored["DATA_KEYS"]:
        key_id = prepare_key(stored)
        stored.pop(NEXT_KEY)
    stored["ACTIVE_DATA_KEY"] = key_id
    check_secrets(stored)
    return key_id


def reseal_with(config: dict[str, Any], batch_size: int) -> dict[str, int]:
    """Re-seal everything under the active key of ``config``, with a progress bar."""
    sealer = Sealer.from_config(config)
    # Personal data is re-sealed to the organisation key (format 2), service secrets to the
    # keyring's active key: seal_bytes chooses by purpose.
    sealer.use_organisation_key_source(organisation_key_source(get_engine()))
    tables = {c.table.name for c in sealed_columns()}
    with click.progressbar(length=len(tables) + 1, label="Re-sealing", file=None) as bar:
        counts = reseal_everything(get_engine(), sealer, batch_size, progress=lambda _n: bar.update(1))
    session = get_session()
    audit.record(session, "keys.reseal", actor="system", object_type="data_key",
                 object_id=sealer.active_key_id, detail={"resealed": sum(counts.values())}, sealer=sealer)
    session.commit()
    return counts


@click.group("keys", cls=AppGroup)
def keys_cli() -> None:
    """Manage the data-encryption keys."""


@keys_cli.command("rotate")
@click.option("--prepare", is_flag=True, help="Only add the new key to the ring; activate it later.")
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True)
def rotate_command(prepare: bool, batch_size: int) -> None:
    """Add a new data key, make it active and re-seal all personal data under it."""
    require_matching_keyring()
    if keys_from_environment():
        _print_environment_rotation()
        return
    stored = read_keys_file(current_app.instance_path) or {}
    if prepare:
        key_id = prepare_key(stored)
        _record_and_write(stored)
        click.echo(f"Added data key {key_id!r} to keys.json, not yet active. Reload every app "
                   "server so it can read values sealed with it, then run `flask keys rotate`.")
        return
    key_id = activate_key(stored)
    _record_and_write(stored)
    click.echo(f"Data key {key_id!r} is now active in keys.json; old keys stay to open old values.")
    counts = reseal_with(stored, batch_size)
    click.echo(f"Re-sealed {sum(counts.values())} values and files: {json.dumps(counts)}")
    click.echo("Reload the app servers so they seal new data with the new key. Back up keys.json now.")


def _record_and_write(stored: dict[str, Any]) -> None:
    """Record the ring's new key in the database, then write keys.json (in that order, so no
    server can load a key the database would refuse)."""
    verify_keyring(get_engine(), keyring_of(stored))
    write_keys_file(current_app.instance_path, stored)


def _print_environment_rotation() -> None:
    """Keys from the environment cannot be written here: print what to deploy next."""
    config = current_app.config
    stored = {"DATA_KEYS": dict(config["DATA_KEYS"]), "ACTIVE_DATA_KEY": config["ACTIVE_DATA_KEY"],
              "INDEX_KEY": config["INDEX_KEY"], "SECRET_KEY": config["SECRET_KEY"]}
    key_id = activate_key(stored)
    click.echo("Keys come from the environment. Set these on every app server and restart them:")
    click.echo(f"TRACKER_DATA_KEYS='{json.dumps(stored['DATA_KEYS'])}'")
    click.echo(f"TRACKER_ACTIVE_DATA_KEY={key_id}")
    click.echo("then run `flask keys reseal` with the same variables set.")


@keys_cli.command("reseal")
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True)
def reseal_command(batch_size: int) -> None:
    """Re-seal every value not yet under the active key (safe to repeat, resumes after a stop)."""
    require_matching_keyring()
    counts = reseal_with(dict(current_app.config), batch_size)
    click.echo(f"Re-sealed {sum(counts.values())} values and files: {json.dumps(counts)}")


@keys_cli.command("status")
def status_command() -> None:
    """Show whether the keyring matches the database, and what each data key seals."""
    try:
        verify_keyring(get_engine(), keyring_of(current_app.config), record=False)  # status changes nothing
        click.echo("The keyring matches the database's key check values.")
    except KeyringMismatch as exc:
        click.echo(f"KEYRING MISMATCH: {exc}. The app refuses to write until this is fixed.", err=True)
    counts = values_by_key(get_engine())
    active = current_app.config["ACTIVE_DATA_KEY"]
    for key_id in current_app.config["DATA_KEYS"]:
        marker = " (active)" if key_id == active else ""
        click.echo(f"{key_id}{marker}: {counts.pop(key_id, 0)} values")
    for key_id, count in counts.items():
        click.echo(f"{key_id} (NOT IN THE RING): {count} values", err=True)


@keys_cli.command("retire")
@click.argument("key_id")
def retire_command(key_id: str) -> None:
    """Remove data key KEY_ID from the ring, once no value or evidence file is sealed with it."""
    require_matching_keyring()
    config = current_app.config
    if key_id not in config["DATA_KEYS"]:
        raise click.ClickException(f"Data key {key_id!r} is not in the keyring.")
    if key_id == config["ACTIVE_DATA_KEY"]:
        raise click.ClickException(f"Data key {key_id!r} is the active key; rotate first.")
    still_sealed = values_by_table(get_engine(), key_id)
    if still_sealed:
        tables = ", ".join(f"{table}: {count}" for table, count in sorted(still_sealed.items()))
        raise click.ClickException(f"Data key {key_id!r} still seals {sum(still_sealed.values())} values "
                                   f"({tables}). Run `flask keys reseal` first.")
    if keys_from_environment():
        ring = {kid: key for kid, key in config["DATA_KEYS"].items() if kid != key_id}
        click.echo("Nothing is sealed with it. Keys come from the environment: set this on every "
                   f"app server and restart them:\nTRACKER_DATA_KEYS='{json.dumps(ring)}'")
    else:
        _remove_from_keys_file(key_id)
        click.echo(f"Data key {key_id!r} removed from keys.json.")
    with get_engine().begin() as connection:
        mark_retired(connection, key_id)
    click.echo("Backups made while it was active need it to be read: keep the keys.json of that "
               "time with them, offline, for as long as you keep those backups.")


def _remove_from_keys_file(key_id: str) -> None:
    """Drop one key from keys.json, written atomically (tracker.config.write_keys_file)."""
    stored = read_keys_file(current_app.instance_path) or {}
    stored["DATA_KEYS"] = {kid: key for kid, key in stored["DATA_KEYS"].items() if kid != key_id}
    if stored.get(NEXT_KEY) == key_id:
        stored.pop(NEXT_KEY)
    check_secrets(stored)
    write_keys_file(current_app.instance_path, stored)
