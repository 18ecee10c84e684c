"""Key check values: refuse to seal anything with a data key that did not seal this database.

A keys.json restored from the wrong backup, or a mistyped TRACKER_DATA_KEYS, is well-formed,
so tracker.config accepts it; the app would then seal new reports under a key that cannot open
the old ones, and under the same key id, so nobody could tell them apart later. The database
therefore keeps, per key id, a value derived one way from the key (HKDF, as banks' "key check
values"): it proves which key sealed the data without revealing anything about the key.

The check runs before the first write of each app process (a request with an unsafe method,
and the maintenance commands that seal), and fails closed: KeyringMismatch is a storage
failure, so the reporter gets the "NOT received" page with the form still filled in.
"""
from __future__ import annotations

import base64
import hmac
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, request
from sqlalchemy import Connection, Engine, LargeBinary, func, select, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite

from .crypto import FORMAT_VERSION, SealError, Sealer
from .models import DataKeyCheck

log = logging.getLogger(__name__)

VERIFIED = "tracker.keyring_verified"
# HTTP's safe methods (RFC 9110 §9.2.1) never write here, so they need no check; TRACE and
# OPTIONS are refused anyway (tracker.errors).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class KeyringMismatch(RuntimeError):
    """The configured data keys are not the ones this database's values were sealed with."""


def check_value(key: bytes) -> str:
    """A one-way value that identifies a data key (HKDF-SHA256 with its own label)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tracker data key check v1")
    return hkdf.derive(key).hex()


def keyring_of(config: Mapping[str, Any]) -> dict[str, bytes]:
    """The raw data keys of a (checked) configuration, by key id."""
    return {kid: base64.b64decode(key) for kid, key in config["DATA_KEYS"].items()}


def verify_keyring(engine: Engine, keyring: Mapping[str, bytes], *, record: bool = True) -> None:
    """Raise KeyringMismatch unless every recorded key is in ``keyring`` with the same value.

    Keys of the ring that the database has not seen yet are recorded (a first run, or a key
    added by rotation) unless ``record`` is false: the ring is then known, so a wrong key under
    a known id, or a ring lacking a key that sealed data, is refused. Retired keys may be absent.
    """
    with engine.begin() as connection:  # a refusal rolls back: a wrong ring records nothing
        recorded = _recorded(connection)
        _compare(recorded, keyring)
        missing = {kid: key for kid, key in keyring.items() if kid not in recorded}
        if missing and record:
            if not recorded:  # a database from before key check values, or a new one
                _open_a_value_sealed_by_each(connection, missing)
            _insert_missing(connection, missing)
            _compare(_recorded(connection), keyring)  # a concurrent process may have won the insert


def _compare(recorded: Mapping[str, Any], keyring: Mapping[str, bytes]) -> None:
    for kid, row in recorded.items():
        key = keyring.get(kid)
        if key is None and row.retired_at is None:
            raise KeyringMismatch(f"data key {kid!r} sealed values in this database but is not in the keyring")
        if key is not None and not hmac.compare_digest(check_value(key), row.check_value):
            raise KeyringMismatch(f"data key {kid!r} of the keyring is not the key that sealed this database")


def mark_retired(connection: Connection, key_id: str) -> None:
    """Note that a key left the ring on purpose, so rings without it are not refused."""
    connection.execute(update(DataKeyCheck).where(DataKeyCheck.key_id == key_id)
                       .values(retired_at=datetime.now(UTC)))


def _open_a_value_sealed_by_each(connection: Connection, keyring: Mapping[str, bytes]) -> None:
    """Before trusting the first ring a database sees, open one stored value per key id.

    A database upgraded from before migration 0003 holds sealed values but no check values;
    without this, whichever ring wrote first would be taken as the truth. A key that seals
    nothing yet (a new database) has nothing to prove.
    """
    from .maintenance.reseal import sealed_columns

    for kid, key in keyring.items():
        opener = Sealer({kid: key}, kid, index_key=bytes(32))  # opening never uses the index key
        # A sealed value starts with its format version and its key id (tracker.crypto).
        prefix = type_coerce(bytes([FORMAT_VERSION, len(kid.encode())]) + kid.encode(), LargeBinary)
        for target in sealed_columns():
            raw = type_coerce(target.column, LargeBinary)
            token = connection.execute(select(raw).where(func.substr(raw, 1, len(kid.encode()) + 2) == prefix)
                                       .limit(1)).scalar()
            if token is None:
                continue
            try:
                opener.open_bytes(target.purpose, bytes(token))
            except SealError as exc:
                raise KeyringMismatch(f"data key {kid!r} of the keyring does not open the values sealed "
                                      "under its id in this database") from exc
            break


def _recorded(connection: Connection) -> dict[str, Any]:
    rows = connection.execute(select(DataKeyCheck.key_id, DataKeyCheck.check_value, DataKeyCheck.retired_at))
    return {row.key_id: row for row in rows}


def _insert_missing(connection: Connection, keys: Mapping[str, bytes]) -> None:
    """Insert check values, leaving alone any id another process recorded meanwhile."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    rows = [{"key_id": kid, "check_value": check_value(key), "recorded_at": datetime.now(UTC)}
            for kid, key in keys.items()]
    connection.execute(dialect.insert(DataKeyCheck.__table__).values(rows).on_conflict_do_nothing())


def require_matching_keyring() -> None:
    """Verify the app's keyring against its database once per process; raise until it matches.

    Once is enough: a process's keyring is fixed when it starts, and a key is only ever added
    (by rotation, which records it first) or retired (only once nothing is sealed with it).
    """
    if current_app.extensions.get(VERIFIED):
        return
    try:
        verify_keyring(current_app.extensions["tracker.engine"], keyring_of(current_app.config))
    except KeyringMismatch as exc:
        # Key ids only, never keys: the operator must learn which key is wrong (README: Encryption).
        log.critical("refusing to write: %s", exc)
        raise
    current_app.extensions[VERIFIED] = True


def _before_writing_request() -> None:
    """Check before the first request that may write; reads never seal, so they need no check."""
    if request.method not in SAFE_METHODS:
        require_matching_keyring()


def init_app(app: Flask) -> None:
    """Check the keyring before the first write of this process (and retry until it passes)."""
    app.extensions[VERIFIED] = False
    app.before_request(_before_writing_request)
