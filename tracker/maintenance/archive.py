"""The plaintext layout inside an encrypted backup: named parts, each a run of framed blocks.

tar would need each member's size in advance, but ``pg_dump`` output is streamed and its size
is unknown until it ends; spooling it to a temporary file would put plaintext on disk. So each
part is a name followed by length-prefixed blocks and an empty block, and the archive ends with
an end marker (a missing marker means the backup did not finish).
"""
from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

PART = b"P"
END = b"E"
_BLOCK = struct.Struct(">I")
_NAME = struct.Struct(">H")


class Writable(Protocol):
    def write(self, data: bytes) -> int: ...


class ArchiveError(Exception):
    """The archive inside the backup is malformed or incomplete."""


def write_part(out: Writable, name: str, blocks: Iterable[bytes]) -> int:
    """Write one named part from an iterable of byte blocks; return its size."""
    encoded = name.encode()
    out.write(PART + _NAME.pack(len(encoded)) + encoded)
    size = 0
    for block in blocks:
        if block:
            out.write(_BLOCK.pack(len(block)) + block)
            size += len(block)
    out.write(_BLOCK.pack(0))
    return size


def write_json_part(out: Writable, name: str, value: Any) -> None:
    """Write a small JSON document (the manifest) as a part."""
    write_part(out, name, [json.dumps(value, sort_keys=True).encode()])


def finish(out: Writable) -> None:
    """Mark the archive complete."""
    out.write(END)


class _ChunkReader:
    """Exact-size reads over an iterator of plaintext chunks."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._buffer = bytearray()

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                raise ArchiveError("the archive ends in the middle of a part")
            self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


def read_parts(chunks: Iterator[bytes]) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Yield (name, blocks) for each part; each part's blocks must be consumed before the next."""
    reader = _ChunkReader(chunks)
    while True:
        kind = reader.read(1)
        if kind == END:
            return
        if kind != PART:
            raise ArchiveError("unexpected data in the archive")
        name = reader.read(_NAME.unpack(reader.read(_NAME.size))[0]).decode()
        blocks = _blocks(reader)
        yield name, blocks
        for _ in blocks:  # skip whatever the consumer left unread
            pass


def _blocks(reader: _ChunkReader) -> Iterator[bytes]:
    while True:
        length = _BLOCK.unpack(reader.read(_BLOCK.size))[0]
        if length == 0:
            return
        yield reader.read(length)
