"""Sealing to a public key, and wrapping private keys under secrets people hold.

The server seals personal data to the organisation's X25519 public key (DESIGN §2: "the server
can write but not read"). Each value gets its own ephemeral key pair: the AES-256-GCM key comes
from HKDF over the Diffie-Hellman secret of the ephemeral private key and the recipient's public
key, and the ephemeral private key is dropped at once, so nothing the server keeps can open the
value again. Only whoever holds the recipient's private key can: a signed-in staff member's
session, or a reporter holding their receipt.

Format 2 of a sealed value: ``0x02 | len(kid) | kid | ephemeral public key (32) | nonce (12) |
ciphertext and tag``; the purpose and key id are bound as associated data, as in format 1.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

BOX_FORMAT = 2
KEY_SIZE = 32
NONCE_SIZE = 12


class BoxError(Exception):
    """A value could not be opened: wrong key, wrong purpose, tampering or unknown format."""


def new_private_key() -> X25519PrivateKey:
    """A fresh X25519 private key."""
    return X25519PrivateKey.generate()


def private_bytes(key: X25519PrivateKey) -> bytes:
    """The raw 32 bytes of a private key (only ever to be wrapped, never stored as they are)."""
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_bytes(key: X25519PrivateKey | X25519PublicKey) -> bytes:
    """The raw 32 bytes of the public half."""
    public = key.public_key() if isinstance(key, X25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def private_key_from(raw: bytes) -> X25519PrivateKey:
    """A private key from its raw bytes."""
    return X25519PrivateKey.from_private_bytes(raw)


def _box_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> AESGCM:
    # Both public keys go into the derivation, so a value cannot be re-targeted at another key.
    info = b"tracker sealed box v2" + ephemeral_public + recipient_public
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=info).derive(shared))


def _aad(purpose: str, kid: bytes) -> bytes:
    return b"tracker:" + purpose.encode() + b":" + kid


# Bulk writers (demo data, imports) may share one ephemeral key over a bounded batch of values:
# the Diffie-Hellman step is ~95% of the cost of sealing, and AES-GCM with random 96-bit nonces
# stays safe far beyond BATCH_LIMIT values under one key. The batch's box key lives only in
# memory for the batch, like the plaintext being written; its ephemeral private key is dropped.
BATCH_LIMIT = 10_000
_batch: ContextVar[dict | None] = ContextVar("tracker_sealing_batch", default=None)


@contextmanager
def shared_ephemeral_keys() -> Iterator[None]:
    """Within the block, values sealed to one recipient share an ephemeral key per BATCH_LIMIT."""
    token = _batch.set({})
    try:
        yield
    finally:
        _batch.reset(token)


def _ephemeral_box(recipient_public: bytes) -> tuple[bytes, AESGCM]:
    """A fresh ephemeral key (or the batch's) and the box key it makes with the recipient."""
    batch = _batch.get()
    if batch is not None:
        cached = batch.get(recipient_public)
        if cached is not None and cached[2] < BATCH_LIMIT:
            batch[recipient_public] = (cached[0], cached[1], cached[2] + 1)
            return cached[0], cached[1]
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = public_bytes(ephemeral)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    box = _box_key(shared, ephemeral_public, recipient_public)
    if batch is not None:
        batch[recipient_public] = (ephemeral_public, box, 1)
    return ephemeral_public, box


def seal_to(recipient_public: bytes, kid: str, purpose: str, plaintext: bytes) -> bytes:
    """Seal bytes for one purpose so that only the holder of the matching private key opens them."""
    ephemeral_public, box = _ephemeral_box(recipient_public)
    nonce = os.urandom(NONCE_SIZE)
    kid_bytes = kid.encode()
    body = box.encrypt(nonce, plaintext, _aad(purpose, kid_bytes))
    return bytes([BOX_FORMAT, len(kid_bytes)]) + kid_bytes + ephemeral_public + nonce + body


def recipient_of(token: bytes) -> str:
    """The key id a format-2 value was sealed to."""
    if len(token) < 2 or token[0] != BOX_FORMAT:
        raise BoxError("not a value sealed to a public key")
    return bytes(token[2 : 2 + token[1]]).decode()


def open_with(private_key: X25519PrivateKey, purpose: str, token: bytes) -> bytes:
    """Open a format-2 value with the recipient's private key."""
    kid = recipient_of(token).encode()
    start = 2 + len(kid)
    ephemeral_public = bytes(token[start : start + KEY_SIZE])
    nonce = bytes(token[start + KEY_SIZE : start + KEY_SIZE + NONCE_SIZE])
    body = bytes(token[start + KEY_SIZE + NONCE_SIZE :])
    try:
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        box = _box_key(shared, ephemeral_public, public_bytes(private_key))
        return box.decrypt(nonce, body, _aad(purpose, kid))
    except (InvalidTag, ValueError) as exc:
        raise BoxError(f"cannot open a value sealed for {purpose!r}") from exc


def wrap(key: bytes, purpose: str, secret: bytes) -> bytes:
    """Wrap ``secret`` (a private key) under a 256-bit key derived from something a person holds."""
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, secret, b"tracker-wrap:" + purpose.encode())


def unwrap(key: bytes, purpose: str, wrapped: bytes) -> bytes:
    """Unwrap what ``wrap`` wrapped; BoxError if the key or purpose is wrong."""
    try:
        return AESGCM(key).decrypt(bytes(wrapped[:NONCE_SIZE]), bytes(wrapped[NONCE_SIZE:]),
                                   b"tracker-wrap:" + purpose.encode())
    except (InvalidTag, ValueError) as exc:
        raise BoxError(f"cannot unwrap {purpose!r}") from exc


def key_from_token(token: str, purpose: str) -> bytes:
    """A wrapping key from a high-entropy token (a session or API token, a receipt).

    HKDF is enough here: the tokens carry 80 to 256 random bits, so there is nothing to slow down.
    """
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=b"tracker token key:" + purpose.encode())
    return hkdf.derive(token.encode("utf-8"))
