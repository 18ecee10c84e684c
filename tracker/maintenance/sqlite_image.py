"""SQLite database images for backups, copied through temporary files so memory stays flat.

SQLite's online backup API copies a live database page by page through its small page cache,
so a 2 GB database costs no more memory than a small one (the earlier in-memory copy needed
about five times the database's size). The temporary file always sits beside the live
database, on the disk that already holds the same bytes: never in the backup's destination,
which may be removable media where wear levelling keeps erased blocks. It is overwritten and
removed as soon as it has been streamed, so data that retention deletes later does not linger
in a stale copy (the database itself runs with ``secure_delete``).
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..evidence_store import erase_file

BLOCK_SIZE = 1024 * 1024
# What SQLite may create beside a database file while it is open.
SIDE_FILES = ("-journal", "-wal", "-shm")


class ImageError(Exception):
    """A database image is damaged."""


@contextmanager
def temporary_beside(database: str) -> Iterator[Path]:
    """A new, owner-only file next to ``database``, erased (with SQLite's side files) afterwards."""
    fd, name = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite3", dir=Path(database).parent)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        for side in ("", *SIDE_FILES):
            erase_file(Path(name + side))


def snapshot_blocks(database: str) -> Iterator[bytes]:
    """A consistent image of a live database, as blocks read from a temporary copy.

    Writers carry on during the copy (WAL); the image is of the moment the copy started. It is
    marked as a rollback-journal database, a single self-contained file.
    """
    with temporary_beside(database) as path:
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(path)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            source.close()
            copy.close()
        with open(path, "rb") as handle:
            while block := handle.read(BLOCK_SIZE):
                yield block


def restore_blocks(database: str, blocks: Iterable[bytes]) -> None:
    """Replace ``database``'s content with an image, through a temporary file and the backup API.

    The image is checked before anything is replaced, and the result after.
    """
    with temporary_beside(database) as path:
        with open(path, "wb") as handle:
            for block in blocks:
                handle.write(block)
        image = sqlite3.connect(path)
        target = sqlite3.connect(database, timeout=30)
        try:
            _check(image, "the backup's database image is damaged")
            image.backup(target)
            _check(target, "the restored database fails its integrity check")
        finally:
            image.close()
            target.close()


def _check(connection: sqlite3.Connection, message: str) -> None:
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise ImageError(message) from exc
    if result != "ok":
        raise ImageError(message)
