"""Files in the evidence folder, as maintenance jobs see them: list, replace, sweep, erase."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

from flask import current_app

# Large files (a database copy) are overwritten a block at a time, so memory stays flat.
ZERO_BLOCK = 1024 * 1024


def evidence_folder() -> Path:
    """The folder where intake stores sealed evidence files (outside any served folder)."""
    return Path(current_app.config["EVIDENCE_FOLDER"])


def evidence_path(stored_name: str) -> Path:
    """The path of one stored file; names are server-made, but refuse anything but a plain name."""
    if not stored_name or Path(stored_name).name != stored_name or stored_name.startswith("."):
        raise ValueError("not a stored evidence file name")
    return evidence_folder() / stored_name


def stored_files() -> Iterator[Path]:
    """Every regular file in the evidence folder, in a stable order."""
    folder = evidence_folder()
    if folder.is_dir():
        yield from sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def orphan_files(known: set[str], grace_seconds: float) -> list[Path]:
    """Files no evidence row names (and temporary files), untouched for ``grace_seconds``.

    Intake writes a file before the transaction that records it commits; a worker killed in
    between leaves a file nothing points to, and a killed retention run leaves files it had
    already deleted the rows of. The grace period keeps clear of submissions still in flight.
    """
    folder = evidence_folder()
    if not folder.is_dir():
        return []
    cutoff = time.time() - grace_seconds
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.name not in known and p.stat().st_mtime < cutoff)


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
