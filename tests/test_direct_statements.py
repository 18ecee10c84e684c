"""Statements run straight through the driver (tracker.models.direct) store exactly what
SQLAlchemy's own insert stores, fill the same defaults, and fail the same way, on both engines."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import LargeBinary, insert, select, type_coerce
from sqlalchemy.exc import IntegrityError

from tracker import audit
from tracker.crypto import get_sealer
from tracker.models import AuditEvent, Location, Report, ReportCode
from tracker.models.direct import first_value, insert_plan, insert_returning_id, insert_rows
from tracker.models.types import SEALED_TYPES, Locked, SealedValueLocked


def sealed(purpose: str, text: str) -> Locked:
    return Locked(purpose, get_sealer().seal_text(purpose, text))


def report_values(token: str) -> dict:
    """A report's values as intake writes them: sealed values already sealed, a JSON list, a
    boolean, a date, a bytes column, plain text."""
    return {"language": "ug", "intake_channel": "web", "submitter_role": "relative", "targets": ["relative"],
            "community": "uyghur", "narrative": sealed("report.narrative", "They phoned my mother."),
            "event_date": date(2024, 5, 17), "event_date_precision": "month",
            "place_text": sealed("report.place_text", "Kashgar"), "origin_country": "CN", "host_country": "DE",
            "consent_statistics": True, "urgent_risk": False, "reporter_key": b"\x01" * 32,
            "idempotency_key": token, "receipt_digest": token, "tactics": "|coercion_by_proxy|"}


def stored(session, table, row_id: int) -> dict:
    """A row's columns as the database holds them (sealed values as their ciphertext)."""
    columns = [column for column in table.columns if column.name != "id"]
    read = [type_coerce(column, LargeBinary) if isinstance(column.type, SEALED_TYPES) else column
            for column in columns]
    raw = session.connection().execute(select(*read).where(table.c.id == row_id)).one()
    return dict(zip([column.name for column in columns], raw, strict=True))


def test_a_row_is_stored_exactly_as_sqlalchemys_insert_stores_it(app, session):
    connection = session.connection()
    ours = report_values("a" * 40)
    theirs = {**ours, "idempotency_key": "b" * 40, "receipt_digest": "b" * 40}
    our_id = insert_returning_id(connection, Report.__table__, ours)
    their_id = connection.execute(insert(Report.__table__).returning(Report.__table__.c.id), theirs).scalar_one()
    session.commit()
    mine, reference = stored(session, Report.__table__, our_id), stored(session, Report.__table__, their_id)
    for name in ("idempotency_key", "receipt_digest"):
        mine.pop(name), reference.pop(name)
    assert mine == reference
    # Python-side defaults were filled, not left empty: the submission time, the status.
    assert mine["status"] == "new" and mine["submitted_at"] is not None and mine["last_activity_at"] is not None
    # The sealed values went in as their ciphertext, which opens to what was typed.
    report = session.get(Report, our_id)
    assert (report.narrative, report.place_text) == ("They phoned my mother.", "Kashgar")


def test_rows_go_in_together_and_must_give_the_same_columns(app, session):
    connection = session.connection()
    report_id = insert_returning_id(connection, Report.__table__, report_values("c" * 40))
    insert_rows(connection, ReportCode.__table__, [{"vocabulary": "tactic", "code": code, "report_id": report_id}
                                                   for code in ("coercion_by_proxy", "information_demand")])
    insert_rows(connection, ReportCode.__table__, [])  # nothing to insert: no statement
    with pytest.raises(ValueError, match="same columns"):
        insert_rows(connection, ReportCode.__table__,
                    [{"vocabulary": "tactic", "code": "doxxing", "report_id": report_id},
                     {"vocabulary": "tactic", "code": "doxxing"}])
    session.commit()
    codes = session.execute(select(ReportCode.code).where(ReportCode.report_id == report_id)).scalars().all()
    assert sorted(codes) == ["coercion_by_proxy", "information_demand"]


def test_a_duplicate_raises_sqlalchemys_integrity_error(app, session):
    connection = session.connection()
    insert_returning_id(connection, Report.__table__, report_values("d" * 40))
    with pytest.raises(IntegrityError):  # what submit_report catches to find a retry's first report
        insert_returning_id(connection, Report.__table__, report_values("d" * 40))
    session.rollback()


def test_a_locked_value_is_written_back_only_to_its_own_purpose(app, session):
    values = {**report_values("e" * 40), "narrative": sealed("report.place_text", "Kashgar")}
    with pytest.raises(SealedValueLocked):
        insert_returning_id(session.connection(), Report.__table__, values)
    session.rollback()


def test_plans_are_made_once_per_engine_and_set_of_columns(app, session):
    dialect = session.connection().dialect
    first = insert_plan(dialect, Location.__table__, ("status",), returning=True)
    assert insert_plan(dialect, Location.__table__, ("status",), returning=True) is first
    assert insert_plan(dialect, Location.__table__, ("status", "country_hint"), returning=True) is not first


def test_first_value_reads_the_chains_last_hash(app, session):
    query = select(AuditEvent.__table__.c.hash).order_by(AuditEvent.__table__.c.id.desc()).limit(1)
    assert first_value(session.connection(), query) is None
    audit.record(session, "report.view", actor="system")
    last = audit.record(session, "report.view", actor="system")
    assert first_value(session.connection(), query) == last.hash
    session.commit()
    assert list(audit.verify_chain(session, get_sealer())) == []
