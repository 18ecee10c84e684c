"""The exchange package format, version 1: a signed JSON document, encrypted to one partner with age.

Layers, outside in:
1. age (X25519) encryption to the partner's recipient: only the partner's identity opens it.
2. JSON: ``{"package": {...}, "signature": {...}}``, checked against
   ``tracker/exchange/schemas/package-v1.schema.json`` on export and on import.
3. An Ed25519 signature over the package's canonical JSON (keys sorted, no whitespace), made
   with this instance's signing key. The package names its recipient, so a partner cannot
   re-encrypt our signed package to a third organisation and pass it off as sent to them.
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session

from ..models import Partner
from .partners import ExchangeError, OpenIdentity, fingerprint, open_identity, partner_signing_with

FORMAT = "tnr-tracker-exchange"
SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "package-v1.schema.json"
CONSENT_RULE = "partners-consent-all-reports"
REDACTIONS = ("full", "names-initials", "codes-only")
MAX_PACKAGE_BYTES = 32 * 1024 * 1024  # an upload or file larger than this is refused unread


class PackageRefused(ExchangeError):
    """A package that will not be imported: unreadable, not for us, unsigned, or not the format."""


@cache
def validator():  # -> jsonschema.Draft202012Validator
    """The version 1 schema, loaded and checked once, its ``$defs`` inlined.

    The schema has no recursive references, so each ``$ref`` is replaced by what it names:
    validating then needs no reference lookups, which were half the time on large packages.
    """
    from jsonschema import Draft202012Validator  # ~0.1 s to import: only when a package is made or opened

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(_inline(schema, schema["$defs"]))


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    """The schema with every ``{"$ref": "#/$defs/name"}`` replaced by that definition."""
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) - {"description"} == {"$ref"}:
        return _inline(definitions[node["$ref"].removeprefix("#/$defs/")], definitions)
    return {key: _inline(value, definitions) for key, value in node.items() if key != "$defs"}


def check_document(document: Any) -> None:
    """PackageRefused naming the first place the document breaks the schema."""
    error = next(iter(sorted(validator().iter_errors(document), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the document"
        raise PackageRefused(f"not a version {SCHEMA_VERSION} package: {where}: {error.message[:200]}")


def canonical(package: dict[str, Any]) -> bytes:
    """The bytes the signature covers: sorted keys, no whitespace, UTF-8."""
    return json.dumps(package, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal_package(package: dict[str, Any], identity: OpenIdentity, recipient: str) -> bytes:
    """Sign the package, check it against the schema, and encrypt it to the partner's recipient."""
    document = {"package": package, "signature": {
        "algorithm": "ed25519", "public_key": _b64(identity.signing_public),
        "value": _b64(identity.signing_key.sign(canonical(package)))}}
    check_document(document)
    plaintext = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return pyrage.encrypt(plaintext, [pyrage.x25519.Recipient.from_str(recipient)])


@dataclass(frozen=True)
class OpenedPackage:
    """A package decrypted, checked against the schema, its signature verified, its sender known."""

    package: dict[str, Any]
    partner: Partner
    sha256: str  # of the encrypted file, kept in the package log


def decrypt_package(session: Session, data: bytes) -> dict[str, Any]:
    """The JSON document inside, decrypted with this instance's identity; PackageRefused otherwise."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageRefused("the file is larger than any package this instance accepts")
    identity = open_identity(session)
    try:
        plaintext = pyrage.decrypt(data, [identity.age_identity])
    except pyrage.DecryptError as error:
        raise PackageRefused("this file is not a package encrypted to this organisation") from error
    try:
        document = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PackageRefused("the decrypted package is not JSON") from error
    check_document(document)
    if document["package"]["recipient"]["age_recipient"] != identity.age_recipient:
        raise PackageRefused("the package was made for another organisation and re-encrypted: refused")
    return document


def open_package(session: Session, data: bytes) -> OpenedPackage:
    """Decrypt, check and verify a package from a registered partner."""
    document = decrypt_package(session, data)
    package, signature = document["package"], document["signature"]
    signer = _unb64(signature["public_key"])
    try:
        Ed25519PublicKey.from_public_bytes(signer).verify(_unb64(signature["value"]), canonical(package))
    except (InvalidSignature, ValueError) as error:
        raise PackageRefused("the package's signature does not verify: it was altered or forged") from error
    if package["source"]["fingerprint"] != fingerprint(signer):
        raise PackageRefused("the package's source fingerprint is not its signer's")
    partner = partner_signing_with(session, signer)
    if partner is None:
        raise PackageRefused("the package is signed by an organisation not registered here (fingerprint "
                             f"{fingerprint(signer)}): register it with its signing key first")
    return OpenedPackage(package, partner, hashlib.sha256(data).hexdigest())
