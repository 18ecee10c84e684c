"""Sealing personal data at rest, and keyed digests for receipts and blind indexes.

Every sealed value is bound to its purpose (e.g. ``"report.narrative"``) as associated data, so a
ciphertext copied into another column does not open. The keyring holds every key that may still
be in use; new values are sealed with the active key, and ``flask keys rotate`` re-seals old ones.
Keys never enter the database (DESIGN §2, "the key lives outside the database").
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from typing import Any
from collections.abc import Mapping

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

FORMAT_VERSION = 1
NONCE_SIZE = 12

# Receipt digests are slow as well as keyed, so a stolen database plus a stolen index key still
# costs an attacker real work per guess. Receipts carry 80 random bits, so the slowness is
# defence in depth, not the main wall: even at 1 ms a guess on a million cores, finding one
# receipt takes about 2^79 ms / 10^6, some 19 million years. Version 1 (OWASP's password minimum,
# 19 MiB, 2 passes, ~20 ms) made each submission cost 20 times a database write and gave anyone
# sending receipt checks a cheap way to burn the server's CPU; version 2 (2 MiB, one pass,
# ~1 ms) is still memory-hard, about a thousand times an HMAC, and what new receipts get.
# A digest records its version ("2$..."; version 1 digests are bare hex), and a receipt check
# tries every version, so receipts issued before the change keep working (and are re-digested
# with the current version when opened: followup.find_by_receipt).
RECEIPT_PROFILES = {1: (2, 19 * 1024), 2: (1, 2 * 1024)}  # version -> (passes, memory in KiB)
RECEIPT_VERSION = 2


class SealError(Exception):
    """A sealed value could not be opened: wrong key, wrong purpose or tampering."""


class Sealer:
    """Seals and opens personal data with a keyring; computes keyed digests."""

    def __init__(self, data_keys: Mapping[str, bytes], active_key_id: str, index_key: bytes):
        if active_key_id not in data_keys:
            raise ValueError("the active key must be in the keyring")
        self._ciphers = {kid: AESGCM(key) for kid, key in data_keys.items()}
        self.active_key_id = active_key_id
        self._index_key = index_key

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Sealer:
        """Build a sealer from checked configuration values (see tracker.config)."""
        keys = {kid: base64.b64decode(key) for kid, key in config["DATA_KEYS"].items()}
        return cls(keys, config["ACTIVE_DATA_KEY"], base64.b64decode(config["INDEX_KEY"]))

    def seal_bytes(self, purpose: str, plaintext: bytes) -> bytes:
        """Encrypt bytes for one purpose with the active key."""
        kid = self.active_key_id.encode()
        nonce = _random_nonce()
        sealed = self._ciphers[self.active_key_id].encrypt(nonce, plaintext, _aad(purpose, kid))
        return bytes([FORMAT_VERSION, len(kid)]) + kid + nonce + sealed

    def open_bytes(self, purpose: str, token: bytes) -> bytes:
        """Decrypt bytes sealed for this purpose, with whichever key sealed them."""
        kid, body = _split(token)
        cipher = self._ciphers.get(kid.decode())
        if cipher is None:
            raise SealError(f"sealed with key {kid.decode()!r}, which is not in the keyring")
        try:
            return cipher.decrypt(body[:NONCE_SIZE], body[NONCE_SIZE:], _aad(purpose, kid))
        except InvalidTag as exc:
            raise SealError(f"cannot open a value sealed for {purpose!r}") from exc

    def seal_text(self, purpose: str, text: str) -> bytes:
        """Encrypt text (personal data) for one purpose."""
        return self.seal_bytes(purpose, text.encode("utf-8"))

    def open_text(self, purpose: str, token: bytes) -> str:
        """Decrypt text sealed for this purpose."""
        return self.open_bytes(purpose, token).decode("utf-8")

    def seal_json(self, purpose: str, value: Any) -> bytes:
        """Encrypt a JSON-serialisable value for one purpose."""
        return self.seal_text(purpose, json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def open_json(self, purpose: str, token: bytes) -> Any:
        """Decrypt a JSON value sealed for this purpose."""
        return json.loads(self.open_text(purpose, token))

    def is_sealed_with_active_key(self, token: bytes) -> bool:
        """Whether key rotation can leave this value alone."""
        return _split(token)[0].decode() == self.active_key_id

    def blind_index(self, purpose: str, text: str) -> str:
        """A keyed, deterministic digest of normalised text, for equality search on sealed data."""
        normalised = unicodedata.normalize("NFKC", text).casefold().strip()
        key = hmac.new(self._index_key, b"blind-index:" + purpose.encode(), hashlib.sha256).digest()
        return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()

    def token_digest(self, purpose: str, token: str) -> str:
        """A keyed fast digest of a high-entropy token (API tokens, session ids, idempotency)."""
        key = hmac.new(self._index_key, b"token:" + purpose.encode(), hashlib.sha256).digest()
        return hmac.new(key, token.encode("utf-8"), hashlib.sha256).hexdigest()

    def receipt_digest(self, receipt: str, version: int = RECEIPT_VERSION) -> str:
        """The keyed slow digest stored in place of a reporter's receipt code (64 characters)."""
        time_cost, memory_kib = RECEIPT_PROFILES[version]
        salt = hmac.new(self._index_key, b"receipt-salt", hashlib.sha256).digest()[:16]
        # Version 1 digests were bare hex of 32 bytes; later ones say their version in the
        # column's 64 characters: "2$" and 31 bytes.
        prefix = "" if version == 1 else f"{version}$"
        raw = hash_secret_raw(
            receipt.encode("utf-8"),
            salt,
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=1,
            hash_len=32 - len(prefix) // 2,
            type=Type.ID,
        )
        return prefix + raw.hex()

    def receipt_digests(self, receipt: str) -> dict[int, str]:
        """The receipt's digest under every version a stored digest may have (to look it up)."""
        return {version: self.receipt_digest(receipt, version) for version in RECEIPT_PROFILES}


def _aad(purpose: str, kid: bytes) -> bytes:
    return b"tracker:" + purpose.encode() + b":" + kid


def _random_nonce() -> bytes:
    return os.urandom(NONCE_SIZE)


def _split(token: bytes) -> tuple[bytes, bytes]:
    if len(token) < 2 or token[0] != FORMAT_VERSION:
        raise SealError("not a sealed value of a known format")
    kid_len = token[1]
    return bytes(token[2 : 2 + kid_len]), bytes(token[2 + kid_len :])


def init_app(app: Flask) -> None:
    """Build the app's sealer from its (already checked) keys."""
    app.extensions["tracker.sealer"] = Sealer.from_config(app.config)


def get_sealer() -> Sealer:
    """The current app's sealer."""
    return current_app.extensions["tracker.sealer"]
