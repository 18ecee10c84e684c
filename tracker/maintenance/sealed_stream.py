"""An encrypted, chunked stream for backups: nothing in plaintext ever touches the disk.

A backup may be copied to removable media or a hosting provider, so it must be as opaque as the
database's sealed columns. The file is a header then AES-256-GCM chunks. Each backup gets its
own key, derived with HKDF from the active data key and a random salt, so chunk nonces can be a
plain counter. The last chunk carries a "final" flag in its nonce (the STREAM construction of
Hoang, Reyhanitabar, Rogaway and Vizár, 2015), so a truncated or reordered file does not open.
"""
from __future__ import annotations

import os
import struct
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"TNRBAK01"
CHUNK_SIZE = 1024 * 1024
SALT_SIZE = 32
_LENGTH = struct.Struct(">I")


class BackupFormatError(Exception):
    """The file is not a backup, was cut short, altered, or needs a key we do not have."""


def _file_key(data_key: bytes, salt: bytes) -> AESGCM:
    """The per-backup key: HKDF-SHA256 over the data key, with this backup's random salt."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"tracker backup v1")
    return AESGCM(hkdf.derive(data_key))


def _nonce(counter: int, final: bool) -> bytes:
    """An 11-byte chunk counter and a 1-byte final flag (STREAM)."""
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class EncryptingWriter:
    """A write-only file object that seals everything written to it, chunk by chunk."""

    def __init__(self, target: BinaryIO, key_id: str, data_key: bytes):
        salt = os.urandom(SALT_SIZE)
        kid = key_id.encode()
        self._header = MAGIC + bytes([len(kid)]) + kid + salt
        self._cipher = _file_key(data_key, salt)
        self._target = target
        self._buffer = bytearray()
        self._counter = 0
        target.write(self._header)

    def write(self, data: bytes) -> int:
        """Buffer data and seal every full chunk."""
        self._buffer += data
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def close(self) -> None:
        """Seal the remainder as the final chunk; without it the file does not open."""
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()

    def _emit(self, chunk: bytes, *, final: bool) -> None:
        sealed = self._cipher.encrypt(_nonce(self._counter, final), chunk, self._header)
        self._target.write(_LENGTH.pack(len(sealed)) + sealed)
        self._counter += 1


def decrypt_chunks(source: BinaryIO, data_keys: Mapping[str, bytes]) -> Iterator[bytes]:
    """Yield the plaintext chunks of a backup, failing on any alteration or truncation."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupFormatError("not a tracker backup (or a newer format)")
    kid_length = source.read(1)
    kid = source.read(kid_length[0]) if kid_length else b""
    salt = source.read(SALT_SIZE)
    if len(salt) != SALT_SIZE:
        raise BackupFormatError("the backup header is cut short")
    data_key = data_keys.get(kid.decode(errors="replace"))
    if data_key is None:
        raise BackupFormatError(f"the backup was made with data key {kid.decode(errors='replace')!r}, "
                                "which is not in this keyring; restore the keys.json of that time")
    header = MAGIC + kid_length + kid + salt
    cipher = _file_key(data_key, salt)
    counter = 0
    while True:
        length = source.read(_LENGTH.size)
        if len(length) != _LENGTH.size:
            raise BackupFormatError("the backup is truncated: its final chunk is missing")
        sealed = source.read(_LENGTH.unpack(length)[0])
        chunk, final = _open_chunk(cipher, counter, sealed, header)
        yield chunk
        if final:
            break
        counter += 1
    if source.read(1):
        raise BackupFormatError("the backup has data after its final chunk")


def _open_chunk(cipher: AESGCM, counter: int, sealed: bytes, header: bytes) -> tuple[bytes, bool]:
    """Open one chunk, learning from the nonce that authenticates whether it is the last."""
    for final in (False, True):
        try:
            return cipher.decrypt(_nonce(counter, final), sealed, header), final
        except InvalidTag:
            continue
    raise BackupFormatError(f"chunk {counter} of the backup was altered or belongs to another file")
