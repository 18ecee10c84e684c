"""`flask retention`: the rules delete what they must, keep what they must, and leave no trace."""
from __future__ import annotations

from datetime import date, datetime, timedelta, UTC

import pytest
from sqlalchemy import LargeBinary, func, select, type_coerce
from sqlmodel import col

from tests.factories import add_status, make_case, make_person, make_relative, make_report, make_user
from tracker.crypto import get_sealer
from tracker.models import (
    AuditEvent, Case, CaseNote, CasePerson, Evidence, Incident, IncidentReport, Message, Person,
    PersonNameToken, RelativeStatus, Report,
)

from .helpers import add_evidence_file

LONG_AGO = datetime.now(UTC) - timedelta(days=1000)
RECENTLY = datetime.now(UTC) - timedelta(days=3)


def _report(session, **fields):
    fields.setdefault("last_activity_at", LONG_AGO)
    return make_report(session, **fields)


def _run(runner, *flags):
    result = runner.invoke(args=["retention", "run", *flags])
    assert result.exit_code == 0, result.output
    return result.output


def _exists(session, model, row_id) -> bool:
    session.expire_all()
    return session.get(model, row_id) is not None


REPORT_RULES = [
    # (description, fields, deleted?)
    ("old rejected", dict(status="rejected"), True),
    ("old spam", dict(status="spam"), True),
    ("recent rejected", dict(status="rejected", last_activity_at=RECENTLY), False),
    ("old rejected, retained", dict(status="rejected", retain_until=date.today() + timedelta(days=9)), False),
    ("old accepted", dict(status="accepted"), False),
    ("old anonymous unverified", dict(status="new"), True),
    ("old unverified with contact", dict(status="new", contact="signal: +1 555"), False),
    ("old unverified with a name", dict(status="in_triage", reporter_name="A. Reporter"), False),
    ("old verified anonymous", dict(status="new", verification="credible"), False),
    ("recent anonymous unverified", dict(status="new", last_activity_at=RECENTLY), False),
]


@pytest.mark.parametrize(("description", "fields", "deleted"), REPORT_RULES, ids=[r[0] for r in REPORT_RULES])
def test_report_rules(session, runner, description, fields, deleted):
    report = _report(session, **fields)
    _run(runner)
    assert _exists(session, Report, report.id) is not deleted


def test_a_recent_message_or_an_incident_keeps_an_anonymous_report(session, runner):
    messaged = _report(session, status="new")
    session.add(Message(report_id=messaged.id, direction="from_reporter", body="any news?", created_at=RECENTLY))
    used = _report(session, status="new")
    incident = Incident(primary_tactic="spyware")
    session.add(incident)
    session.commit()
    session.add(IncidentReport(incident_id=incident.id, report_id=used.id))
    session.commit()
    _run(runner)
    assert _exists(session, Report, messaged.id) and _exists(session, Report, used.id)


def test_dry_run_counts_but_changes_nothing(session, runner, app, tmp_path):
    report = _report(session, status="spam")
    evidence = add_evidence_file(session, tmp_path / "evidence", get_sealer(), report_id=report.id)
    output = _run(runner, "--dry-run")
    assert "Would change" in output and "reports deleted: 1" in output and "evidence files: 1" in output
    assert _exists(session, Report, report.id)
    assert (tmp_path / "evidence" / evidence.stored_name).exists()
    assert "reports deleted: 1" in _run(runner)
    assert "nothing" in _run(runner)  # a second run (cron) finds nothing left to do


def test_a_deleted_report_takes_its_follow_ups_messages_relatives_and_files(session, runner, tmp_path):
    report = _report(session, status="rejected")
    follow_up = _report(session, status="new", follow_up_of_id=report.id)
    folder = tmp_path / "evidence"
    files = [add_evidence_file(session, folder, get_sealer(), report_id=r.id) for r in (report, follow_up)]
    session.add(Message(report_id=report.id, direction="to_reporter", body="Please tell us more."))
    session.commit()
    _run(runner)
    assert not _exists(session, Report, follow_up.id)
    assert session.scalar(select(func.count()).select_from(Message)) == 0
    assert session.scalar(select(func.count()).select_from(Evidence)) == 0
    assert not any((tmp_path / "evidence" / f.stored_name).exists() for f in files)


def _closed_case_with_family(session):
    """A closed case: a diaspora member, her detained father, a name digest, a note, a source report."""
    member = make_person(session, names=[{"name": "Canary Tursun", "script": "Latn"}], residence_place="Kayseri")
    father, _link = make_relative(session, member, names=[{"name": "Canary Father", "script": "Latn"}])
    incident = Incident(primary_tactic="coercion_by_proxy", origin_country="CN", start_date=date(2019, 2, 1),
                        summary="Father detained after her posts.")
    session.add(incident)
    session.commit()
    add_status(session, father, "detained_administrative", date(2019, 3, 1), in_retaliation="yes",
               incident_id=incident.id, place_text="Urumqi camp 4")
    case = make_case(session, title="Tursun family", status="closed", closed_at=LONG_AGO)
    incident.case_id = case.id
    report = make_report(session, status="accepted", narrative="They took my father.", contact="canary@example.org")
    session.add_all([CasePerson(case_id=case.id, person_id=member.id), CasePerson(case_id=case.id, person_id=father.id),
                     PersonNameToken(person_id=member.id, digest=get_sealer().blind_index("person.name", "canary")),
                     CaseNote(case_id=case.id, body="Spoke with her lawyer."),
                     IncidentReport(incident_id=incident.id, report_id=report.id)])
    session.commit()
    return case, member, father, report


def _detained_in_retaliation(session) -> int:
    return session.scalar(select(func.count(func.distinct(RelativeStatus.person_id))).where(
        RelativeStatus.status == "detained_administrative", col(RelativeStatus.in_retaliation).in_(["yes", "likely"])))


def test_a_closed_case_past_retention_loses_its_personal_data_but_still_counts(session, runner):
    case, member, father, report = _closed_case_with_family(session)
    assert _detained_in_retaliation(session) == 1
    output = _run(runner)
    assert "closed cases purged: 1" in output
    session.expire_all()
    assert session.get(Case, case.id).title is None
    assert session.get(Person, member.id).names is None and session.get(Person, member.id).residence_place is None
    assert session.get(Report, report.id).narrative is None and session.get(Report, report.id).contact is None
    assert session.scalar(select(func.count()).select_from(PersonNameToken)) == 0
    assert session.scalar(select(func.count()).select_from(CaseNote)) == 0
    assert session.exec(select(RelativeStatus)).scalars().one().place_text is None
    # Aggregate statistics still count what happened (DESIGN §3's retaliation query).
    assert _detained_in_retaliation(session) == 1
    assert session.get(Report, report.id).codes_of("tactic") == ["coercion_by_proxy"]


def test_an_extension_keeps_the_case_and_is_audited(session, runner):
    case, member, _father, _report_row = _closed_case_with_family(session)
    admin = make_user(session, "caseworker", email="cw@example.org")
    until = (date.today() + timedelta(days=90)).isoformat()
    result = runner.invoke(args=["retention", "extend", case.reference, "--until", until, "--by", admin.email])
    assert result.exit_code == 0, result.output
    _run(runner)
    session.expire_all()
    assert session.get(Person, member.id).names == [{"name": "Canary Tursun", "script": "Latn"}]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.retention_extended")).scalars().one()
    assert event.user_id == admin.id and until in event.detail and "Canary" not in event.detail
    past = runner.invoke(args=["retention", "extend", case.reference, "--until", "2001-01-01", "--by", admin.email])
    assert past.exit_code != 0


def test_deleted_data_is_gone_from_the_database_file_and_the_evidence_folder(app, session, runner, tmp_path):
    engine = app.extensions["tracker.engine"]
    if engine.url.get_backend_name() != "sqlite":
        pytest.skip("scans the SQLite file's bytes; PostgreSQL's storage is not a file the app owns")
    report = _report(session, status="spam", narrative="CANARY narrative " * 4)
    case, member, _father, _source = _closed_case_with_family(session)
    evidence = add_evidence_file(session, tmp_path / "evidence", get_sealer(), report_id=report.id)
    canaries = _stored_bytes(session, report.id, member.id)
    canaries.append((tmp_path / "evidence" / evidence.stored_name).read_bytes())
    assert all(c in _database_and_evidence_bytes(engine, tmp_path) for c in canaries)  # the control
    _run(runner)
    found = _database_and_evidence_bytes(engine, tmp_path)
    assert [c for c in canaries if c in found] == []


def _stored_bytes(session, report_id: int, person_id: int) -> list[bytes]:
    """The exact bytes the database holds for the values that retention must remove."""
    narrative = session.scalar(select(type_coerce(Report.narrative, LargeBinary)).where(Report.id == report_id))
    names = session.scalar(select(type_coerce(Person.names, LargeBinary)).where(Person.id == person_id))
    digest = session.scalar(select(PersonNameToken.digest).where(PersonNameToken.person_id == person_id))
    return [bytes(narrative), bytes(names), digest.encode()]


def _database_and_evidence_bytes(engine, tmp_path) -> bytes:
    """The database file after a WAL checkpoint, any WAL left, and every evidence file."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = engine.url.database
    blobs = [open(path, "rb").read()]
    for extra in (path + "-wal", path + "-journal"):
        try:
            blobs.append(open(extra, "rb").read())
        except FileNotFoundError:
            pass
    folder = tmp_path / "evidence"
    blobs += [p.read_bytes() for p in folder.iterdir()] if folder.exists() else []
    return b"".join(blobs)
