"""The bulk import path: batches, streaming, links to known people, audit chain, kept counts, fallbacks."""
import json

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from tests.analytics.test_upkeep import assert_kept_equals_recount, register_tables
from tests.exchange.conftest import SAMPLE
from tracker.audit import record, verify_chain
from tracker.casework.people import create_person
from tracker.crypto import get_sealer
from tracker.db import get_engine
from tracker.exchange import importer, writing
from tracker.exchange.importer import import_rows
from tracker.exchange.sheets import read_rows
from tracker.models import (
    AuditEvent, ImportedRow, Incident, Involvement, Person, PersonNameToken, PersonRelationship, RelativeStatus,
)
from tracker.models.inputs import PersonCreate


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def sample_rows():
    return read_rows(SAMPLE.read_bytes(), SAMPLE.name)


def run(session, profile, rows=None, **options):
    return import_rows(session, sample_rows() if rows is None else rows, profile, source_sha256="ab" * 32,
                       user_id=None, **options)


@pytest.fixture
def small_batches(monkeypatch):
    """Two rows per batch, so the sample's repeated family and refused rows fall in other batches."""
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)


def outcomes(result) -> dict[int, tuple[str, str]]:
    return {row.row_number: (row.outcome, row.reason or ", ".join(row.linked)) for row in result.rows}


def test_small_batches_store_what_one_batch_stores(session, profile, small_batches):
    result = run(session, profile)
    assert result.counts == {"created": 4, "linked": 1, "refused": 2}
    assert outcomes(result)[6][0] == "linked"  # the family of row 2, written two batches earlier
    assert (count(session, Incident), count(session, Person), count(session, PersonRelationship),
            count(session, RelativeStatus), count(session, ImportedRow)) == (5, 10, 6, 7, 5)
    assert count(session, Involvement) == 5 + 7  # every victim a target, every relative with a status involved


def test_a_dry_run_links_to_rows_of_earlier_batches(session, profile, small_batches):
    result = run(session, profile, dry_run=True)
    assert outcomes(result)[6] == ("linked", "row 2, row 2")
    assert count(session, Person) == 0


def test_every_new_person_is_indexed_for_search(session, profile):
    run(session, profile)
    indexed = session.exec(select(func.count(func.distinct(PersonNameToken.person_id)))).one()
    assert indexed == count(session, Person) == 10


def test_a_known_person_is_linked_and_two_are_left_to_deduplication(session, profile):
    known = create_person(session, PersonCreate.model_validate(
        {"names": [{"name": "Gulnar Samplejan"}], "community": "uyghur"}), user_id=None)
    for _ in range(2):
        create_person(session, PersonCreate.model_validate(
            {"names": [{"name": "Tenzin Dummy"}], "community": "tibetan"}), user_id=None)
    create_person(session, PersonCreate.model_validate(  # another community: never linked
        {"names": [{"name": "Wang Shiyan"}], "community": "uyghur"}), user_id=None)
    session.commit()
    result = run(session, profile)
    assert outcomes(result)[3] == ("linked", known.pseudonym)
    assert outcomes(result)[4] == ("created", "")
    assert outcomes(result)[5] == ("created", "")


def test_the_audit_chain_stays_one_chain_with_an_event_per_object(session, profile, small_batches):
    record(session, "before.import")
    session.commit()
    run(session, profile)
    record(session, "after.import")
    session.commit()
    assert list(verify_chain(session, get_sealer())) == []
    actions = session.exec(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all()
    assert dict(actions) == {
        "before.import": 1, "after.import": 1, "import.spreadsheet": 1, "import.row": 5, "incident.create": 5,
        "person.create": 10, "relationship.create": 6, "relative_status.create": 7, "incident.involve": 12}
    assert "Testjan" not in "".join(e.detail or "" for e in session.exec(select(AuditEvent)).all())


def test_kept_counts_equal_a_recount_after_an_import(session, profile, small_batches):
    register_tables(session)
    run(session, profile)
    assert_kept_equals_recount(session)
    run(session, profile, rows=[{**row, "Case no.": row["Case no."] + "-b"} for row in sample_rows()])
    assert_kept_equals_recount(session)  # the same people again: linked, counted once


def test_all_or_nothing_undoes_earlier_batches(session, profile, small_batches):
    result = run(session, profile, all_or_nothing=True)
    assert not result.written and result.counts["refused"] == 2
    assert count(session, Person) == 0 and count(session, AuditEvent) == 0


def test_the_sheet_is_read_batch_by_batch(session, profile, small_batches):
    committed = []

    def rows():
        for row in sample_rows():
            with get_engine().connect() as other:  # another connection sees committed rows only
                committed.append(other.execute(select(func.count()).select_from(ImportedRow)).scalar())
            yield row

    run(session, profile, rows=rows())
    assert committed[:3] == [0, 0, 2]  # batch one (rows 2 and 3) was written before the next row was read


def test_a_batch_the_database_refuses_is_written_row_by_row(session, profile, monkeypatch):
    calls = []

    def refuse_once(*args, **kwargs):
        calls.append(1)
        raise IntegrityError("INSERT", {}, Exception("refused in bulk"))

    monkeypatch.setattr(importer, "write_rows", refuse_once)
    result = run(session, profile)
    assert calls and result.counts == {"created": 4, "linked": 1, "refused": 2}
    assert (count(session, Person), count(session, RelativeStatus)) == (10, 7)
    assert list(verify_chain(session, get_sealer())) == []


def test_a_taken_pseudonym_is_drawn_again(session, profile, monkeypatch):
    create_person(session, PersonCreate(pseudonym="P-TAKEN"), user_id=None)
    session.commit()
    drawn = iter(["P-TAKEN", "P-TAKEN", *(f"P-{n:08d}" for n in range(100))])
    monkeypatch.setattr(writing, "new_pseudonym", lambda: next(drawn))
    result = run(session, profile)
    assert result.counts == {"created": 4, "linked": 1, "refused": 2}
    pseudonyms = session.exec(select(Person.pseudonym)).all()
    assert len(pseudonyms) == len(set(pseudonyms)) == 11


def test_a_relative_who_is_the_victim_refuses_the_row_only(session, profile):
    rows = list(sample_rows())
    rows[0] = {**rows[0], "Relative 1": rows[0]["Name"], "Relative 1 (own script)": rows[0]["Name (own script)"]}
    result = run(session, profile, rows=rows)
    assert outcomes(result)[2] == ("refused", "a person cannot be related to themselves")
    assert result.counts["created"] >= 3 and count(session, ImportedRow) == 4


def test_the_summary_event_counts_what_was_written(session, profile, small_batches):
    run(session, profile)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "import.spreadsheet")).one()
    assert json.loads(event.detail)["counts"] == {"created": 4, "linked": 1, "refused": 2}
