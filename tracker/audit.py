"""The append-only audit log: record events, chain them, verify the chain.

Each event's hash is a keyed digest over its content and the previous event's hash. Editing or
deleting a row breaks the chain, and without the index key (kept outside the database) an
attacker with the database cannot forge a consistent replacement.
"""
from __future__ import annotations

import json
import secrets
from typing import Any
from collections.abc import Iterator

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from .crypto import Sealer, get_sealer
from .db import get_session
from .models import AuditEvent, utcnow
from .models.base import reporter_time
from .models.direct import first_value, insert_returning_id
from .models.audit import PENDING

GENESIS = "0" * 64
# pg_advisory_xact_lock key of serialise_writes (the retention run's own lock is 727275).
WRITE_LOCK = 727274


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None = None,
    actor: str = "staff",
    object_type: str | None = None,
    object_id: Any = None,
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
    sealer: Sealer | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction. ``detail`` must hold no personal data."""
    event = new_event(action, user_id=user_id, actor=actor, object_type=object_type, object_id=object_id,
                      outcome=outcome, detail=detail)
    return record_many(session, [event], sealer=sealer)[0]


def new_event(action: str, *, user_id: int | None = None, actor: str = "staff", object_type: str | None = None,
              object_id: Any = None, outcome: str = "success", detail: dict[str, Any] | None = None) -> AuditEvent:
    """An event not yet in the chain, for ``record_many``. ``detail`` must hold no personal data."""
    values = event_values(action, user_id=user_id, actor=actor, object_type=object_type, object_id=object_id,
                          outcome=outcome, detail=detail)
    # Placeholders until the event's place in the chain is known (see models.audit).
    return AuditEvent(**values, prev_hash=PENDING + secrets.token_hex(16), hash=PENDING + secrets.token_hex(16))


def event_values(action: str, *, user_id: int | None = None, actor: str = "staff", object_type: str | None = None,
                 object_id: Any = None, outcome: str = "success", detail: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """An event's column values, not yet chained: what ``record_many`` takes when thousands are
    appended at once (an import), without building an ORM object for each."""
    return {
        "at": reporter_time() if actor == "reporter" else utcnow(),  # issue 16, item 7
        "user_id": user_id,
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "outcome": outcome,
        "detail": json.dumps(detail, sort_keys=True, ensure_ascii=False) if detail else None,
    }


def record_many(session: Session, events: list, *, sealer: Sealer | None = None) -> list:
    """Append events in order in the caller's transaction, with one insert for all of them, so a
    bulk action on 500 reports (or an import of 100,000 rows) is that many events without a
    round trip each.

    Events are AuditEvent objects (``new_event``) or their column values (``event_values``);
    they come back with their id and hashes set, and are not added to the session (nothing may
    change them later). The append lock is taken first, then the chain is computed and the final
    rows inserted, in Core statements: the unit of work inserted and updated events one at a
    time (~1 ms each).
    """
    if not events:
        return events
    sealer = sealer or get_sealer()
    session.flush()  # the caller's pending changes first, as before (bulk triage relies on it)
    _serialise_appends(session)
    rows = [event if isinstance(event, dict) else _row(event) for event in events]
    connection = session.connection()
    previous = first_value(connection, _LAST_HASH)
    for row in rows:
        row["prev_hash"] = previous or GENESIS
        row["hash"] = previous = _digest(sealer, row)
    if len(rows) == 1:  # most appends (a submission, a page's action): its id comes back with the insert
        rows[0]["id"] = insert_returning_id(connection, AuditEvent.__table__, rows[0])
    else:
        _insert_many(session, rows)
    for event, row in zip(events, rows, strict=True):
        if not isinstance(event, dict):
            event.id, event.prev_hash, event.hash = row["id"], row["prev_hash"], row["hash"]
    return events


# Built once and run straight through the driver (models.direct), with the single event's
# insert: they run in every append, under the write lock (issue 17, item 4).
_LAST_HASH = select(AuditEvent.__table__.c.hash).order_by(AuditEvent.__table__.c.id.desc()).limit(1)


def _insert_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert chained rows in one statement and read their ids back by their (unique) hashes,
    checking the database numbered them in chain order."""
    table = AuditEvent.__table__
    session.execute(insert(table), rows)
    by_hash = {row["hash"]: row for row in rows}
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):
        for event_id, digest in session.execute(select(table.c.id, table.c.hash)
                                                .where(table.c.hash.in_(hashes[start:start + 500]))):
            by_hash[digest]["id"] = event_id
    if any(earlier["id"] >= later["id"] for earlier, later in zip(rows, rows[1:], strict=False)):
        raise RuntimeError("audit events were not numbered in the order they were chained")


def _row(event: AuditEvent) -> dict[str, Any]:
    """The column values of an event to insert (its id is the database's)."""
    return {column.name: getattr(event, column.name) for column in AuditEvent.__table__.columns
            if column.name != "id"}


def _serialise_appends(session: Session) -> None:
    """One audit append at a time until commit, so the chain stays a line.

    PostgreSQL: an advisory lock. SQLite: a write statement that changes nothing takes the
    database's write lock (waiting for it like any write), so no other writer can append between
    reading the last hash here and inserting after it. A transaction that has already written
    holds that lock until it ends (the driver opens the transaction at its first write, and a
    write that could not get the lock failed), so it needs no such statement: a report's
    submission appends right after inserting the report (issue 17, item 4).
    """
    if session.get_bind().dialect.name == "postgresql":
        serialise_writes(session.connection())
    elif not _has_written(session.connection()):
        session.execute(text("UPDATE audit_event SET id = id WHERE 0 = 1"))


def _has_written(connection: Connection) -> bool:
    """SQLite: whether this transaction already wrote, and so holds the database's write lock.
    The sqlite3 driver (in its default, legacy transaction mode) begins a transaction only right
    before a data-changing statement; reads alone leave ``in_transaction`` false."""
    driver = connection.connection.dbapi_connection
    return bool(getattr(driver, "isolation_level", None) is not None and driver.in_transaction)


def serialise_writes(connection: Connection) -> None:
    """On PostgreSQL, hold the one write lock until this transaction ends.

    Every app host and worker takes it before appending to the audit chain, so the chain stays
    one line, and before adjusting the kept statistics (tracker.analytics.upkeep), whose
    read-before/read-after deltas would otherwise count one person twice, or insert one new
    cell twice, when two hosts change the same person at once (issue 17 item 3). One lock for
    both: two locks taken in opposite orders by two transactions could deadlock. Re-entrant
    within a transaction; intake's new reports touch no kept count and pay only for the append.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})


def event_hash(sealer: Sealer, event: AuditEvent) -> str:
    """The keyed digest that links this event to the previous one."""
    return _digest(sealer, {name: getattr(event, name) for name in CHAINED})


CHAINED = ("prev_hash", "at", "user_id", "actor", "action", "object_type", "object_id", "outcome", "detail")


def _digest(sealer: Sealer, values: dict[str, Any]) -> str:
    """The chain digest of an event's values (``CHAINED``, in that order)."""
    payload = json.dumps([values["at"].isoformat() if name == "at" else values[name] for name in CHAINED],
                         separators=(",", ":"), ensure_ascii=False)
    return sealer.token_digest("audit-chain", payload)


def verify_chain(session: Session, sealer: Sealer) -> Iterator[tuple[int, str]]:
    """Yield (event id, problem) for every break in the chain; nothing when it is intact."""
    expected_prev = GENESIS
    rows = session.exec(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000))
    for event in rows:
        if event.prev_hash != expected_prev:
            yield event.id, "does not follow the event before it (a row was removed or reordered)"
        if event_hash(sealer, event) != event.hash:
            yield event.id, "content does not match its hash (the row was edited)"
        expected_prev = event.hash


@click.group("audit", cls=AppGroup)
def audit_cli() -> None:
    """Inspect the audit log."""


@audit_cli.command("verify")
def verify_command() -> None:
    """Walk the whole chain and fail if any event was edited, removed or reordered."""
    problems = list(verify_chain(get_session(), get_sealer()))
    for event_id, problem in problems:
        click.echo(f"event {event_id}: {problem}", err=True)
    if problems:
        raise click.ClickException(f"the audit log has been tampered with ({len(problems)} problems)")
    click.echo("The audit log is intact.")


def init_app(app: Flask) -> None:
    """Register ``flask audit``."""
    app.cli.add_command(audit_cli)
