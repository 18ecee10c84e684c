"""The audit append's own costs (issue 17, item 4): one event comes back with its id from the
insert, and on SQLite a transaction that already wrote appends without another locking
statement, yet no other writer can append between its read of the last hash and its insert."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, insert
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from tracker import audit
from tracker.crypto import get_sealer
from tracker.models import AuditEvent, Location

from .conftest import POSTGRES_URL

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's write lock")


def statements_of(session: Session) -> list[str]:
    """The SQL statements SQLite runs on the session's connection from now on, as the driver
    sees them (the append runs its statements past SQLAlchemy's events: models.direct)."""
    seen: list[str] = []
    session.connection().connection.dbapi_connection.set_trace_callback(seen.append)
    return seen


def test_one_event_comes_back_with_its_id_and_the_chain_holds(app, session):
    first = audit.record(session, "report.view", actor="system", object_type="report", object_id=1)
    second = audit.record(session, "report.view", actor="system", object_type="report", object_id=2)
    session.commit()
    stored = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.id, e.hash) for e in stored] == [(first.id, first.hash), (second.id, second.hash)]
    assert second.prev_hash == first.hash
    assert list(audit.verify_chain(session, get_sealer())) == []


@sqlite_only
def test_a_transaction_that_wrote_appends_without_a_locking_statement(app, session):
    seen = statements_of(session)
    audit.record(session, "report.view", actor="system")  # nothing written yet: it must lock first
    assert any("SET id = id" in statement for statement in seen)
    session.commit()
    seen.clear()
    session.execute(insert(Location.__table__).values(status="pending"))
    audit.record(session, "report.view", actor="system")
    assert not any("SET id = id" in statement for statement in seen)
    assert sum(statement.lstrip().upper().startswith(("SELECT", "INSERT")) for statement in seen) == 3
    session.commit()
    assert list(audit.verify_chain(session, get_sealer())) == []


@sqlite_only
def test_no_one_else_appends_while_a_transaction_that_wrote_has_appended(app, session, tmp_path):
    session.execute(insert(Location.__table__).values(status="pending"))
    audit.record(session, "report.view", actor="system")  # no locking statement of its own
    # Another worker, which would wait 50 ms at most for the lock.
    other_engine = create_engine(app.config["DATABASE_URL"], connect_args={"timeout": 0.05})
    with Session(other_engine) as other:
        other.get_bind().dialect.tracker_sealer = get_sealer()
        with pytest.raises(OperationalError, match="locked"):
            audit.record(other, "report.view", actor="system", sealer=get_sealer())
        other.rollback()
        session.commit()
        audit.record(other, "report.view", actor="system", sealer=get_sealer())
        other.commit()
    other_engine.dispose()
    assert list(audit.verify_chain(session, get_sealer())) == []
    assert session.exec(select(AuditEvent.id)).all() == [1, 2]
