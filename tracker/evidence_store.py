"""Where sealed evidence files are kept: a folder on this host, or the database every host shares.

Intake seals a file (tracker.intake.evidence) and hands the sealed bytes to a store under a new
server-made name; casework opens them by that name; backups, key rotation and retention go
through the same few operations. Two stores, chosen by ``EVIDENCE_STORE``:

- ``folder`` (the default): files in EVIDENCE_FOLDER on this host, written to a temporary name,
  fsynced and renamed, so a stored name is always a whole file. One host only.
- ``database``: the sealed bytes in the ``evidence_blob`` table, in parts of at most
  ``PART_SIZE``, written in the same transaction as the Evidence row that names them. Every app
  host over the same database opens every file (issue 17 item 3); a report and its files commit
  together or not at all, so a killed worker leaves no orphan to sweep; backups carry the files
  inside the database dump. The bytes are sealed exactly as on disk: the database server sees
  what a copy of the folder would show, and nothing more.

Every method speaks in stored names (never a path a request could choose) and sealed bytes.
"""
from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from .models import Evidence, EvidenceBlob

# One part of a file in the database: big enough that a 32 MB upload is 32 rows, small enough
# that no single value (and no driver buffer) grows with the largest file.
PART_SIZE = 1024 * 1024
# A file being written in the folder; never a stored name (those are hex).
PARTIAL_SUFFIX = ".partial"
# Large files are overwritten a block at a time, so memory stays flat.
ZERO_BLOCK = 1024 * 1024
STORES = ("folder", "database")
GET_PARTS_SQL = "SELECT data FROM evidence_blob WHERE name = %s ORDER BY part"
# What evidence files are sealed for (intake seals, key rotation re-seals).
SEAL_PURPOSE = "evidence.file"


class MissingEvidence(FileNotFoundError):
    """No file is stored under this name (never written, or already erased)."""


def new_name() -> str:
    """A fresh stored name, random and never derived from anything the reporter sent."""
    return secrets.token_hex(16) + ".sealed"


def check_name(name: str) -> str:
    """Refuse anything but a plain stored name (no path, no hidden or temporary file)."""
    if not name or Path(name).name != name or name.startswith(".") or len(name) > 64:
        raise ValueError("not a stored evidence file name")
    return name


class EvidenceStore:
    """What every evidence store does; ``keep_image_originals`` is the intake policy it serves."""

    kind = ""
    # Whether the files travel inside the database (and so inside a database backup).
    in_database = False

    def __init__(self, session: Session | None, keep_image_originals: bool = False):
        self.session = session  # a folder needs it only to find orphans
        self.keep_image_originals = keep_image_originals

    def put(self, sealed: bytes) -> str:
        """Keep sealed bytes under a new name; they stay only if the caller's transaction commits
        (a folder keeps the file until ``discard``)."""
        raise NotImplementedError

    def get(self, name: str) -> bytes:
        """The sealed bytes under ``name``; MissingEvidence if there are none."""
        raise NotImplementedError

    def head(self, name: str) -> bytes:
        """At least the first 64 sealed bytes (enough to name the key they are sealed with)."""
        return self.get(name)[:64]

    def discard(self, names: Iterable[str]) -> None:
        """Undo ``put`` for a transaction that was rolled back."""
        raise NotImplementedError

    def erase(self, names: Iterable[str]) -> int:
        """After the commit that removed the rows naming them: erase these files; how many were there."""
        raise NotImplementedError

    def replace(self, name: str, sealed: bytes) -> None:
        """Store ``sealed`` under an existing (or restored) name; a reader sees old or new, never half."""
        raise NotImplementedError

    def names(self) -> Iterator[str]:
        """Every stored name, in a stable order."""
        raise NotImplementedError

    def orphans(self, grace_seconds: float) -> list[str]:
        """Stored names no Evidence row points at (nor, in a folder, touched for ``grace_seconds``)."""
        raise NotImplementedError


class FolderStore(EvidenceStore):
    """Sealed files in a folder on this host (outside any served folder)."""

    kind = "folder"

    def __init__(self, session: Session | None, folder: str | os.PathLike, keep_image_originals: bool = False):
        super().__init__(session, keep_image_originals)
        self.folder = Path(folder)

    def path(self, name: str) -> Path:
        """The path of one stored file."""
        return self.folder / check_name(name)

    def put(self, sealed: bytes) -> str:
        """Write to a hidden temporary name, fsync, rename, fsync the folder: once the report is
        acknowledged its file survives a power cut. On failure the temporary file goes; after a
        crash, ``flask retention run`` sweeps what is left."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = new_name()
        partial = self.folder / f".{name}{PARTIAL_SUFFIX}"
        try:
            with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
                handle.write(sealed)
                handle.flush()
                os.fsync(handle.fileno())
            os.rename(partial, self.folder / name)
        finally:
            partial.unlink(missing_ok=True)
        sync_folder(self.folder)
        return name

    def get(self, name: str) -> bytes:
        try:
            return self.path(name).read_bytes()
        except FileNotFoundError as missing:
            raise MissingEvidence(name) from missing

    def head(self, name: str) -> bytes:
        try:
            with open(self.path(name), "rb") as handle:
                return handle.read(64)
        except FileNotFoundError as missing:
            raise MissingEvidence(name) from missing

    def discard(self, names: Iterable[str]) -> None:
        for name in names:
            self.path(name).unlink(missing_ok=True)

    def erase(self, names: Iterable[str]) -> int:
        """Overwrite and unlink; a temporary file left by a crash (an orphan) may be named too."""
        paths = [self.folder / name for name in names if Path(name).name == name and name]
        return sum(erase_file(path) for path in paths)

    def replace(self, name: str, sealed: bytes) -> None:
        replace_file(self.path(name), sealed)

    def names(self) -> Iterator[str]:
        if self.folder.is_dir():
            yield from sorted(p.name for p in self.folder.iterdir() if p.is_file() and not p.name.startswith("."))

    def orphans(self, grace_seconds: float) -> list[str]:
        """Files no row names, and temporary files, untouched for ``grace_seconds``.

        Intake writes a file before the transaction that records it commits; a worker killed in
        between leaves a file nothing points to, and a killed retention run leaves files it had
        already deleted the rows of. The grace period keeps clear of submissions in flight.
        """
        if not self.folder.is_dir():
            return []
        known = set(evidence_names(self.session))
        cutoff = time.time() - grace_seconds
        return sorted(p.name for p in self.folder.iterdir()
                      if p.is_file() and p.name not in known and p.stat().st_mtime < cutoff)


class DatabaseStore(EvidenceStore):
    """Sealed files in the ``evidence_blob`` table, shared by every host over the database."""

    kind = "database"
    in_database = True

    def put(self, sealed: bytes) -> str:
        """Insert the parts in the caller's transaction: they commit with the Evidence row."""
        name = new_name()
        self.session.execute(insert(EvidenceBlob.__table__), _parts(name, sealed))
        return name

    def get(self, name: str) -> bytes:
        connection = self.session.connection()
        if connection.dialect.driver == "psycopg":
            # bytea in psycopg's binary format: the text format's hex doubles every byte, and
            # decoding it made opening a 10 MB file ~4x slower. Same connection, same transaction.
            with connection.connection.driver_connection.cursor(binary=True) as cursor:
                cursor.execute(GET_PARTS_SQL, (check_name(name),))
                rows = [row[0] for row in cursor.fetchall()]
        else:
            table = EvidenceBlob.__table__
            rows = list(self.session.execute(select(table.c.data).where(table.c.name == check_name(name))
                                             .order_by(table.c.part)).scalars())
        if not rows:
            raise MissingEvidence(name)
        return b"".join(bytes(part) for part in rows)

    def head(self, name: str) -> bytes:
        table = EvidenceBlob.__table__
        first = self.session.execute(select(func.substr(table.c.data, 1, 64))
                                     .where(table.c.name == check_name(name), table.c.part == 0)).scalar()
        if first is None:
            raise MissingEvidence(name)
        return bytes(first)

    def discard(self, names: Iterable[str]) -> None:
        """Nothing to do: the parts were rolled back with the transaction that wrote them."""

    def erase(self, names: Iterable[str]) -> int:
        """Delete the parts in a short transaction of their own (the caller's has committed)."""
        wanted = sorted({check_name(name) for name in names})
        if not wanted:
            return 0
        table = EvidenceBlob.__table__
        with self.session.get_bind().begin() as connection:
            present = connection.execute(select(func.count(func.distinct(table.c.name)))
                                         .where(table.c.name.in_(wanted))).scalar_one()
            connection.execute(delete(table).where(table.c.name.in_(wanted)))
        return int(present)

    def replace(self, name: str, sealed: bytes) -> None:
        """Swap the parts in one transaction of its own."""
        table = EvidenceBlob.__table__
        with self.session.get_bind().begin() as connection:
            connection.execute(delete(table).where(table.c.name == check_name(name)))
            connection.execute(insert(table), _parts(name, sealed))

    def names(self) -> Iterator[str]:
        table = EvidenceBlob.__table__
        yield from self.session.execute(select(table.c.name).where(table.c.part == 0)
                                        .order_by(table.c.name)).scalars()

    def orphans(self, grace_seconds: float) -> list[str]:
        """Names no Evidence row points at, found in one statement (one snapshot). A file and its
        row commit together, so no grace is needed: an upload in flight is not visible yet."""
        table, evidence = EvidenceBlob.__table__, Evidence.__table__
        named = select(evidence.c.id).where(or_(evidence.c.stored_name == table.c.name,
                                                evidence.c.clean_stored_name == table.c.name))
        return list(self.session.execute(select(table.c.name).where(table.c.part == 0, ~named.exists())
                                         .order_by(table.c.name)).scalars())


def _parts(name: str, sealed: bytes) -> list[dict[str, Any]]:
    """The rows that hold ``sealed`` (an empty file is still one row, so it exists)."""
    return [{"name": name, "part": index, "data": sealed[offset:offset + PART_SIZE]}
            for index, offset in enumerate(range(0, max(len(sealed), 1), PART_SIZE))]


def open_store(config: Mapping[str, Any], session: Session) -> EvidenceStore:
    """The store ``EVIDENCE_STORE`` selects, working through ``session``."""
    kind = str(config.get("EVIDENCE_STORE") or "folder")
    keep = bool(config.get("INTAKE_KEEP_IMAGE_ORIGINALS", False))
    if kind == "folder":
        return FolderStore(session, config["EVIDENCE_FOLDER"], keep)
    if kind == "database":
        return DatabaseStore(session, keep)
    raise ValueError(f"EVIDENCE_STORE must be one of {', '.join(STORES)}, not {kind!r}")


def current_store() -> EvidenceStore:
    """The current app's evidence store, over the request's (or command's) session."""
    from flask import current_app

    from .db import get_session

    return open_store(current_app.config, get_session())


def evidence_names(session: Session) -> Iterator[str]:
    """Every stored name the database's Evidence rows point at, originals and clean copies."""
    for stored, clean in session.execute(select(Evidence.stored_name, Evidence.clean_stored_name)):
        yield stored
        if clean:
            yield clean


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX keeps names in the directory's own blocks)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: Path, data: bytes) -> None:
    """Write a file so a reader sees either the old or the new content, never half of either."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def erase_file(path: Path) -> bool:
    """Overwrite a file with zeros, then unlink it; True if there was a file.

    The contents are sealed already, so this is defence in depth: on copy-on-write or
    journalled file systems old blocks may survive, which the key's secrecy covers.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    zeros = bytes(min(size, ZERO_BLOCK))
    with open(path, "r+b") as handle:
        for offset in range(0, size, ZERO_BLOCK):
            handle.write(zeros[: min(ZERO_BLOCK, size - offset)])
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    return True
