"""The audit log: a keyed hash chain that detects edits, removals and reordering."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from tracker.audit import GENESIS, record, verify_chain
from tracker.crypto import get_sealer
from tracker.models import AuditEvent


def write_events(session, n=3):
    for i in range(n):
        record(session, "report.view", user_id=None, actor="system", object_type="report", object_id=i)
    session.commit()


def test_events_form_a_chain(app, session):
    write_events(session)
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert events[0].prev_hash == GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert list(verify_chain(session, get_sealer())) == []


def test_the_database_refuses_to_edit_or_delete_an_event(session):
    write_events(session, 1)
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"):
            session.execute(text(statement))
        session.rollback()


def _tamper(session, statement: str) -> None:
    """Bypass the triggers as an attacker with database access would."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    session.execute(text(statement))
    session.commit()


def test_verify_detects_an_edited_event(app, session, runner):
    write_events(session)
    _tamper(session, "UPDATE audit_event SET action = 'nothing.to.see' WHERE id = 2")
    problems = dict(verify_chain(session, get_sealer()))
    assert "edited" in problems[2]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and "tampered" in result.output


def test_verify_detects_a_removed_event(app, session):
    write_events(session)
    _tamper(session, "DELETE FROM audit_event WHERE id = 2")
    assert "removed" in dict(verify_chain(session, get_sealer()))[3]


def test_verify_command_passes_on_an_intact_log(app, session, runner):
    write_events(session)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
