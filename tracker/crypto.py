"""Sealing personal data at rest, and keyed digests for receipts and blind indexes.

Every sealed value is bound to its purpose (e.g. ``"report.narrative"``) as associated data, so a
ciphertext copied into another column does not open.

Two kinds of sealing (DESIGN §2, "the server can write but not read"):
- **Personal data** (every purpose not in SERVICE_PURPOSES) is sealed to the organisation's
  public key (tracker.sealed_box, format 2). The server needs only the public key to write; the
  private key is open only while a signed-in staff member's request runs (tracker.keyholder),
  so a copy of the disk opens nothing.
- **Service secrets** that the server itself must read before anyone signs in (a staff member's
  TOTP secret, to check the second factor) are sealed with the symmetric keyring in
  ``keys.json`` (format 1), which ``flask keys rotate`` rotates. Values of personal data sealed
  in format 1 by earlier versions still open with it until ``flask keys migrate`` re-seals them.
Keys never enter the database.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from typing import Any
from collections.abc import Callable, Mapping

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

from . import keyholder, sealed_box

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


# Sealed with the server's symmetric keyring because the server must read them with nobody signed
# in (SECURITY.md, "What the server can still read"). Everything else is personal data.
SERVICE_PURPOSES = frozenset({"user.totp_secret", "staff.pending_totp"})


class SealError(Exception):
    """A sealed value could not be opened: wrong key, wrong purpose or tampering."""


class SealedValueLocked(SealError):
    """Personal data sealed to a key that is not open here: nobody with access is signed in."""


class NoOrganisationKey(SealError):
    """No organisation key exists yet, so personal data cannot be sealed (`flask keys init`)."""


class Sealer:
    """Seals and opens personal data with a keyring; computes keyed digests."""

    def __init__(self, data_keys: Mapping[str, bytes], active_key_id: str, index_key: bytes):
        if active_key_id not in data_keys:
            raise ValueError("the active key must be in the keyring")
        self._ciphers = {kid: AESGCM(key) for kid, key in data_keys.items()}
        self.active_key_id = active_key_id
        self._index_key = index_key
        self._blind_keys: dict[str, bytes] = {}  # derived index keys, per purpose
        self._token_keys: dict[str, bytes] = {}
        self._organisation_key: tuple[str, bytes] | None = None
        self._organisation_key_source: Callable[[], tuple[str, bytes] | None] | None = None

    def use_organisation_key_source(self, source: Callable[[], tuple[str, bytes] | None]) -> None:
        """Where to find the organisation's (key id, public key) when it is first needed."""
        self._organisation_key_source = source
        self._organisation_key = None

    def set_organisation_key(self, kid: str, public_key: bytes) -> None:
        """Seal personal data to this public key from now on (tracker.orgkey creates it)."""
        self._organisation_key = (kid, public_key)

    def organisation_key(self) -> tuple[str, bytes]:
        """The organisation's key id and public key; NoOrganisationKey before `flask keys init`."""
        if self._organisation_key is None and self._organisation_key_source is not None:
            self._organisation_key = self._organisation_key_source()
        if self._organisation_key is None:
            raise NoOrganisationKey("no organisation key yet: run `flask --app tracker keys init`")
        return self._organisation_key

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Sealer:
        """Build a sealer from checked configuration values (see tracker.config)."""
        keys = {kid: base64.b64decode(key) for kid, key in config["DATA_KEYS"].items()}
        return cls(keys, config["ACTIVE_DATA_KEY"], base64.b64decode(config["INDEX_KEY"]))

    def seal_bytes(self, purpose: str, plaintext: bytes) -> bytes:
        """Seal bytes for one purpose: personal data to the organisation key, service secrets
        with the keyring's active key."""
        if purpose not in SERVICE_PURPOSES:
            kid, public_key = self.organisation_key()
            return sealed_box.seal_to(public_key, kid, purpose, plaintext)
        return self.seal_with_keyring(purpose, plaintext)

    def seal_with_keyring(self, purpose: str, plaintext: bytes) -> bytes:
        """Format 1: encrypt with the symmetric keyring's active key (service secrets only)."""
        kid = self.active_key_id.encode()
        nonce = _random_nonce()
        sealed = self._ciphers[self.active_key_id].encrypt(nonce, plaintext, _aad(purpose, kid))
        return bytes([FORMAT_VERSION, len(kid)]) + kid + nonce + sealed

    def open_bytes(self, purpose: str, token: bytes) -> bytes:
        """Decrypt bytes sealed for this purpose, with whichever key sealed them.

        A value sealed to a private key that is not open in this context raises
        SealedValueLocked: only a signed-in staff member's request (or a reporter's, for their
        own messages) holds one."""
        if token[:1] == bytes([sealed_box.BOX_FORMAT]):
            kid = sealed_box.recipient_of(token)
            private_key = keyholder.open_key(kid)
            if private_key is None:
                raise SealedValueLocked(f"sealed to key {kid!r}, which is not open here")
            try:
                return sealed_box.open_with(private_key, purpose, token)
            except sealed_box.BoxError as exc:
                raise SealError(str(exc)) from exc
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
        """Whether key rotation can leave this value alone: sealed to the organisation key
        (format 2), or with the keyring's active key."""
        if token[:1] == bytes([sealed_box.BOX_FORMAT]):
            return True
        return _split(token)[0].decode() == self.active_key_id

    def is_current(self, purpose: str, token: bytes) -> bool:
        """Whether re-sealing can leave this value alone: personal data sealed to the
        organisation key, or a service secret under the keyring's active key."""
        return self.is_sealed_with_active_key(token) and not self.needs_migration(purpose, token)

    def needs_migration(self, purpose: str, token: bytes) -> bool:
        """Personal data still sealed with the symmetric keyring (format 1), which the server
        could open on its own: `flask keys migrate` re-seals it to the organisation key."""
        return purpose not in SERVICE_PURPOSES and token[:1] == bytes([FORMAT_VERSION])

    def blind_index(self, purpose: str, text: str) -> str:
        """A keyed, deterministic digest of normalised text, for equality search on sealed data."""
        normalised = unicodedata.normalize("NFKC", text).casefold().strip()
        key = self._blind_keys.get(purpose)
        if key is None:  # derived once per purpose: an import digests a few million name keys
            key = self._blind_keys[purpose] = hmac.digest(self._index_key, b"blind-index:" + purpose.encode(), "sha256")
        return hmac.digest(key, normalised.encode("utf-8"), "sha256").hex()

    def token_digest(self, purpose: str, token: str) -> str:
        """A keyed fast digest of a high-entropy token (API tokens, session ids, idempotency)."""
        key = self._token_keys.get(purpose)
        if key is None:  # derived once per purpose (every audit event is one digest)
            key = self._token_keys[purpose] = hmac.digest(self._index_key, b"token:" + purpose.encode(), "sha256")
        return hmac.digest(key, token.encode("utf-8"), "sha256").hex()

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
