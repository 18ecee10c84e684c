"""``flask backup``: consistent online backups, encrypted as they are written, and restores.

SQLite is copied with its online backup API into a temporary file beside the live database
(readers and the writer carry on; see sqlite_image for why there), and PostgreSQL is dumped
by ``pg_dump`` through a pipe; either way the bytes are streamed into the encrypting writer,
so memory stays flat and no plaintext copy ever reaches the backup's destination (DESIGN §2,
"in the worst case [the adversary obtains] a copy of the database"). Evidence files, already
sealed, follow the database in the same archive. Reading a backup needs the data key named in
its header: keep keys.json backed up separately from the backups (README: Reliability).
"""
from __future__ import annotations

import json
import os
# pg_dump and pg_restore run with fixed argument lists and no shell.
import subprocess  # nosec B404
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import URL, make_url

from ..db import get_engine
from ..key_check import KeyringMismatch, keyring_of, verify_keyring
from . import archive, sqlite_image
from ..evidence_store import current_store
from .sealed_stream import BackupFormatError, EncryptingWriter, decrypt_chunks

BLOCK_SIZE = 1024 * 1024
FORMAT = 1


class BackupError(Exception):
    """A backup could not be made or restored; the message says why."""


# Every failure an operator should see as a message rather than a traceback.
FAILURES = (BackupError, BackupFormatError, archive.ArchiveError, sqlite_image.ImageError, OSError)


def create_backup(path: Path) -> dict:
    """Write an encrypted backup of the database and evidence to ``path``; return its manifest."""
    config = current_app.config
    key_id = config["ACTIVE_DATA_KEY"]
    data_key = keyring_of(config)[key_id]
    url = get_engine().url
    manifest = {"format": FORMAT, "engine": url.get_backend_name(),
                "created_at": datetime.now(UTC).isoformat(), "data_key": key_id}
    # Written beside the target and renamed at the end, so a half-made backup never looks whole.
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "wb") as handle:
            writer = EncryptingWriter(handle, key_id, data_key)
            archive.write_json_part(writer, "manifest.json", manifest)
            with closing(_dump_database(url)) as database:  # closed early on failure: temp files go
                manifest["database_bytes"] = archive.write_part(writer, "database", database)
            manifest["evidence_files"] = _write_evidence(writer)
            archive.finish(writer)
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _write_evidence(writer: EncryptingWriter) -> int:
    """Copy the (already sealed) evidence files into the archive; a database store's files are
    in the database dump already (the manifest then counts them, with no part of their own)."""
    store = current_store()
    count = 0
    for name in store.names():
        if not store.in_database:
            archive.write_part(writer, "evidence/" + name, [store.get(name)])
        count += 1
    return count


def _dump_database(url: URL) -> Iterator[bytes]:
    """The database as a stream of blocks: an SQLite image, or a pg_dump custom-format dump."""
    if url.get_backend_name() == "sqlite":
        yield from sqlite_image.snapshot_blocks(url.database)
    else:
        yield from _pg_dump(url)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and an environment that carries it.

    The password goes in PGPASSWORD so it never shows in the process list.
    """
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_dump(url: URL) -> Iterator[bytes]:
    """Stream ``pg_dump --format=custom``; a non-zero exit fails the backup."""
    dsn, env = _libpq(url)
    tool = current_app.config.get("PG_DUMP", "pg_dump")
    process = subprocess.Popen(  # noqa: S603  # nosec B603
        [tool, "--format=custom", "--no-owner", "--no-privileges", "--dbname", dsn],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    output = process.stdout
    while output is not None and (block := output.read(BLOCK_SIZE)):
        yield block
    _, errors = process.communicate()
    if process.returncode != 0:
        raise BackupError(f"pg_dump failed: {errors.decode(errors='replace').strip()}")


def restore_backup(path: Path) -> dict:
    """Restore the database and evidence files from an encrypted backup; return its manifest."""
    keyring = keyring_of(current_app.config)
    engine = get_engine()
    manifest: dict = {}
    with open(path, "rb") as handle:
        for name, blocks in archive.read_parts(decrypt_chunks(handle, keyring)):
            if name == "manifest.json":
                manifest = _read_manifest(b"".join(blocks), engine.url)
            elif name == "database":
                engine.dispose()  # no pooled connection may outlive the replaced database
                _restore_database(engine.url, blocks)
            elif name.startswith("evidence/"):
                # Into whichever store is configured now: a folder backup restores into the database too.
                current_store().replace(name.removeprefix("evidence/"), b"".join(blocks))
    engine.dispose()
    return manifest


def _read_manifest(raw: bytes, url: URL) -> dict:
    """Check the backup is for this kind of database before anything is overwritten."""
    manifest = json.loads(raw)
    if manifest.get("format") != FORMAT:
        raise BackupError("this backup was made by a different version of the format")
    if manifest.get("engine") != url.get_backend_name():
        raise BackupError(f"this is a {manifest.get('engine')} backup; the configured database "
                          f"is {url.get_backend_name()}")
    return manifest


def _restore_database(url: URL, blocks: Iterator[bytes]) -> None:
    """Replace the configured database's content with the backup's."""
    if url.get_backend_name() == "sqlite":
        sqlite_image.restore_blocks(url.database, blocks)
    else:
        _pg_restore(url, blocks)


def _pg_restore(url: URL, blocks: Iterator[bytes]) -> None:
    """Feed the dump to ``pg_restore`` in one transaction: all of it is restored, or nothing."""
    dsn, env = _libpq(url)
    tool = current_app.config.get("PG_RESTORE", "pg_restore")
    process = subprocess.Popen(  # noqa: S603  # nosec B603
        [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", "--dbname", dsn],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    feed = process.stdin
    try:
        for block in blocks:
            if feed is not None:
                feed.write(block)
    except BrokenPipeError:
        pass  # pg_restore stopped early; its exit status and message say why
    _, errors = process.communicate()
    if process.returncode != 0:
        raise BackupError(f"pg_restore failed: {errors.decode(errors='replace').strip()}")


@click.group("backup", cls=AppGroup)
def backup_cli() -> None:
    """Make and restore encrypted backups."""


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path) -> None:
    """Write an encrypted, consistent backup of the database and evidence files to PATH."""
    try:
        manifest = create_backup(path)
    except FAILURES as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {path} ({manifest['engine']}, {manifest['database_bytes']} database "
               f"bytes, {manifest['evidence_files']} evidence files), sealed with data key "
               f"{manifest['data_key']!r}. Keep keys.json safe and apart from it: without that key "
               "the backup cannot be read.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the configured database and evidence files with the content of backup PATH."""
    target = make_url(str(get_engine().url)).render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Replace everything in {target} with {path}?", abort=True)
    try:
        manifest = restore_backup(path)
    except FAILURES as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored the backup of {manifest.get('created_at')} into {target}.")
    try:
        # Compare only: the restored database stays an exact copy of the backup.
        verify_keyring(get_engine(), keyring_of(current_app.config), record=False)
    except KeyringMismatch as exc:
        # The data is back, but the app would refuse every write with this keyring: say so now.
        raise click.ClickException(f"{exc}. Put the keys.json of the backup's time in place before "
                                   "starting the app.") from exc
