"""Re-sealing: move every sealed value and evidence file onto the active data key, in batches.

The sealed columns are found by introspecting the models, so a column added later is rotated
without anyone remembering to list it. Values are read and written as raw ciphertext (the
column types are bypassed), each batch is its own short transaction, and a row is only
rewritten if it still holds the ciphertext that was read, so a concurrent edit by the app is
never overwritten. Old keys stay in the ring throughout: every value opens at every moment.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Column, Engine, LargeBinary, Table, select, type_coerce, update
from sqlmodel import SQLModel

from ..crypto import SealError, Sealer
from ..evidence_store import SEAL_PURPOSE, EvidenceStore, MissingEvidence, current_store, evidence_names
from ..models.types import SEALED_TYPES
DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class SealedColumn:
    """One column whose values are sealed, and the purpose they are bound to."""

    table: Table
    column: Column
    purpose: str


def sealed_columns() -> list[SealedColumn]:
    """Every sealed column of every table, found from the column types."""
    import tracker.models  # noqa: F401 - every table must be registered before introspection

    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, SEALED_TYPES):
                found.append(SealedColumn(table, column, column.type.purpose))
    return found


def key_id_of(token: bytes) -> str:
    """The id of the key a sealed value was sealed with (the sealed format names it)."""
    if len(token) < 2:
        raise SealError("not a sealed value")
    return bytes(token[2 : 2 + token[1]]).decode()


def _raw(column: Column):
    """The column as stored bytes, bypassing the sealing type."""
    return type_coerce(column, LargeBinary)


def _batches(engine: Engine, table: Table, columns: list[Column], size: int) -> Iterator[list]:
    """Rows of (primary key, raw values...) in primary-key order, one batch at a time."""
    (pk,) = table.primary_key.columns
    last = None
    while True:
        query = select(pk, *[_raw(c) for c in columns]).order_by(pk).limit(size)
        if last is not None:
            query = query.where(pk > last)
        with engine.connect() as connection:
            rows = connection.execute(query).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def reseal_table(engine: Engine, sealer: Sealer, table: Table, size: int = DEFAULT_BATCH_SIZE) -> int:
    """Re-seal one table's values that are not under the active key; return how many."""
    targets = [c for c in sealed_columns() if c.table is table]
    columns = [c.column for c in targets]
    (pk,) = table.primary_key.columns
    changed = 0
    for rows in _batches(engine, table, columns, size):
        with engine.begin() as connection:
            for row in rows:
                for target, raw in zip(targets, row[1:], strict=True):
                    if raw is None or sealer.is_current(target.purpose, raw):
                        continue
                    fresh = sealer.seal_bytes(target.purpose, sealer.open_bytes(target.purpose, raw))
                    result = connection.execute(
                        update(table)
                        .where(pk == row[0], _raw(target.column) == type_coerce(bytes(raw), LargeBinary))
                        .values({target.column.name: type_coerce(fresh, LargeBinary)})
                    )
                    changed += result.rowcount
    return changed


def reseal_evidence(store: EvidenceStore, sealer: Sealer) -> int:
    """Re-seal evidence files that are not under the active key; return how many."""
    changed = 0
    names = sorted(set(evidence_names(store.session)))
    store.session.rollback()  # no read transaction held open while files are rewritten
    for name in names:
        try:
            sealed = store.get(name)
        except MissingEvidence:
            continue
        if not sealer.is_current(SEAL_PURPOSE, sealed):
            store.replace(name, sealer.seal_bytes(SEAL_PURPOSE, sealer.open_bytes(SEAL_PURPOSE, sealed)))
            changed += 1
        store.session.rollback()
    return changed


def reseal_everything(engine: Engine, sealer: Sealer, size: int = DEFAULT_BATCH_SIZE,
                      progress: Callable[[str], None] = lambda _name: None) -> dict[str, int]:
    """Re-seal every sealed column and evidence file; return counts by table."""
    counts: dict[str, int] = {}
    for table in sorted({c.table for c in sealed_columns()}, key=lambda t: t.name):
        counts[table.name] = reseal_table(engine, sealer, table, size)
        progress(table.name)
    counts["evidence files"] = reseal_evidence(current_store(), sealer)
    progress("evidence files")
    return counts


def _key_ids_by_table(engine: Engine) -> Iterator[tuple[str, str]]:
    """(table name, key id) for every sealed value and evidence file."""
    for table in {c.table for c in sealed_columns()}:
        columns = [c.column for c in sealed_columns() if c.table is table]
        for rows in _batches(engine, table, columns, 5000):
            yield from ((table.name, key_id_of(raw)) for row in rows for raw in row[1:] if raw is not None)
    store = current_store()
    for name in sorted(set(evidence_names(store.session))):
        try:
            yield "evidence files", key_id_of(store.head(name))
        except MissingEvidence:
            continue
    store.session.rollback()


def values_by_key(engine: Engine) -> Counter:
    """How many sealed values and evidence files each key id seals (to know when one can go)."""
    return Counter(key_id for _table, key_id in _key_ids_by_table(engine))


def values_by_table(engine: Engine, key_id: str) -> Counter:
    """How many values each table (and the evidence folder) still holds sealed with ``key_id``."""
    return Counter(table for table, kid in _key_ids_by_table(engine) if kid == key_id)
