"""``flask import spreadsheet`` on the synthetic NGO sheet: dry run, import, re-import, all-or-nothing."""
import json
from datetime import date

from sqlmodel import func, select

from tests.exchange.conftest import SAMPLE, SAMPLE_PROFILE
from tracker.models import AuditEvent, ImportedRow, Incident, Person, PersonRelationship, RelativeStatus
from tracker.exchange.importer import file_digest


def count(session, model) -> int:
    """Rows in a table, read afresh."""
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def run_import(runner, *options):
    """Run the command on the sample and return its result."""
    return runner.invoke(args=["import", "spreadsheet", str(SAMPLE), "--profile", "ngo-wide-sheet", *options])


def test_dry_run_reports_each_row_and_writes_nothing(runner, session, profile):
    result = run_import(runner, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "row 2: created" in result.output
    assert "row 6: linked (row 2, row 2)" in result.output  # the same person and father as row 2
    assert "row 7: refused (date not understood: sometime)" in result.output
    assert "row 8: refused (unknown relationship type: 'Godmother')" in result.output
    assert "Abdukerim Testjan [Latn] / ئابدۇكېرىم تېستجان [Arab]" in result.output  # the preview
    assert "Would import" in result.output
    assert count(session, Person) == 0 and count(session, Incident) == 0 and count(session, ImportedRow) == 0


def test_import_stores_the_wide_rows_and_links_the_repeated_family(runner, session, profile):
    result = run_import(runner)
    assert result.exit_code == 0, result.output
    assert "row 6: linked" in result.output  # the same person and father, a second report
    assert count(session, Incident) == 5
    # 5 rows: victims 4 distinct (row 6 links), relatives 2+1+1+2 new (row 6's father links)
    assert count(session, Person) == 4 + 6
    assert count(session, PersonRelationship) == 6
    assert count(session, RelativeStatus) == 7
    father = session.exec(select(RelativeStatus).where(RelativeStatus.status == "no_proof_of_life")).one()
    camp = session.exec(select(RelativeStatus).where(RelativeStatus.status == "detained_administrative",
                                                     RelativeStatus.status_date == date(2017, 1, 1))).one()
    assert father.person_id == camp.person_id and camp.date_precision == "estimate"
    incident = session.exec(select(Incident).where(Incident.start_date == date(2018, 9, 1))).one()
    assert (incident.title, incident.start_precision) == ("SYNTH-001", "month")
    assert incident.community == "uyghur" and incident.host_country == "NL"


def test_names_are_sealed_at_rest(runner, session, profile):
    run_import(runner)
    raw = session.connection().exec_driver_sql("SELECT names FROM person").scalars().all()
    assert raw and not any(b"Testjan" in bytes(value) or "تېستجان".encode() in bytes(value) for value in raw)


def test_reimporting_the_same_file_creates_nothing(runner, session, profile):
    run_import(runner)
    people, statuses = count(session, Person), count(session, RelativeStatus)
    again = run_import(runner)
    assert again.exit_code == 0, again.output
    assert "row 2: duplicate" in again.output and "created" not in again.output.split("Imported")[-1]
    assert (count(session, Person), count(session, RelativeStatus)) == (people, statuses)


def test_fingerprints_are_keyed_digests_not_the_row(runner, session, profile):
    run_import(runner)
    fingerprints = session.exec(select(ImportedRow.fingerprint)).all()
    assert len(fingerprints) == 5 and all(len(f) == 64 and "SYNTH" not in f for f in fingerprints)


def test_all_or_nothing_writes_nothing_when_a_row_is_refused(runner, session, profile):
    result = run_import(runner, "--all-or-nothing")
    assert result.exit_code == 0, result.output
    assert "Imported nothing" in result.output
    assert count(session, Person) == 0 and count(session, Incident) == 0


def test_import_is_audited_with_the_file_sha256(runner, session, profile):
    run_import(runner)
    session.expire_all()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "import.spreadsheet")).one()
    detail = json.loads(event.detail)
    assert detail["source_sha256"] == file_digest(SAMPLE.read_bytes())
    assert detail["counts"] == {"created": 4, "linked": 1, "refused": 2}
    rows = session.exec(select(AuditEvent).where(AuditEvent.action == "import.row")).all()
    assert len(rows) == 5 and all(json.loads(r.detail)["source_sha256"] == detail["source_sha256"] for r in rows)
    assert "Testjan" not in "".join(e.detail or "" for e in session.exec(select(AuditEvent)).all())


def test_an_unknown_profile_or_file_type_is_a_clear_error(runner, tmp_path, profile):
    missing = runner.invoke(args=["import", "spreadsheet", str(SAMPLE), "--profile", "nope"])
    assert missing.exit_code != 0 and "no import profile named 'nope'" in missing.output
    odd = tmp_path / "cases.txt"
    odd.write_text("a,b\n")
    wrong = runner.invoke(args=["import", "spreadsheet", str(odd), "--profile", "ngo-wide-sheet"])
    assert wrong.exit_code != 0 and "not a CSV, XLSX or ODS file" in wrong.output


def test_save_profile_checks_and_saves(runner, app, tmp_path):
    saved = runner.invoke(args=["import", "save-profile", str(SAMPLE_PROFILE)])
    assert saved.exit_code == 0, saved.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "../etc", "victim_name": "Name"}))
    refused = runner.invoke(args=["import", "save-profile", str(bad)])
    assert refused.exit_code != 0 and "not valid" in refused.output
