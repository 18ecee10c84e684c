"""Importing spreadsheet rows: checked, linked to known people and written in batches.

Rows arrive as a stream (the sheet is never held whole) and are handled ``BATCH_ROWS`` at a
time: fingerprints looked up in one statement, rows planned, each person's name digests
computed once, known people found for the whole batch in a few statements (``linking.py``),
then everything written with one insert per table (``writing.py``) and committed, so memory and
the transaction stay bounded. Names are sealed by the column types with the organisation's
public key only and indexed for search (DESIGN §2): an import needs no private key. Linking
compares blind-index digests of the imported names (held in the clear because they are being
imported), never a sealed name read back.

Should a batch fail in the database all the same (a person merged away meanwhile), it is rolled
back and written again row by row through the casework functions, each row in a savepoint, so a
bad row refuses only itself. With ``all_or_nothing`` every batch stays in one transaction, which
is rolled back if any row is refused.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, select

from .. import sealed_box
from ..audit import record
from ..casework.errors import Conflict, NotFound
from ..casework.incidents import create_incident
from ..casework.names import name_digests
from ..casework.people import create_person, involve_person, survivor
from ..casework.relatives import add_relationship, record_relative_status
from ..crypto import get_sealer
from ..models import ImportedRow, Person, PersonRelationship
from ..models.inputs import PersonCreate, RelationshipCreate, RelativeStatusCreate
from ..staff.scope import current_scope
from .linking import known_people
from .profiles import ImportProfile
from .rows import RelativePlan, RowRefused, plan_row
from .writing import Written, people_of, write_rows

FINGERPRINT_PURPOSE = "import.row"
BATCH_ROWS = 1000


@dataclass
class RowOutcome:
    """What happened (or, in a dry run, would happen) to one row."""

    row_number: int
    outcome: str  # created, linked, duplicate, refused
    reason: str = ""
    linked: list[str] = field(default_factory=list)  # pseudonyms of known people the row links to


@dataclass
class ImportResult:
    """The counts by outcome and, unless the caller streams them, the outcome of every row."""

    source_sha256: str
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    written: bool = False
    tally: Counter = field(default_factory=Counter)

    @property
    def counts(self) -> dict[str, int]:
        """Rows per outcome."""
        return dict(self.tally)


def file_digest(content: bytes) -> str:
    """The SHA-256 of the source file, which the audit log keeps for every import."""
    return hashlib.sha256(content).hexdigest()


def row_fingerprint(row: dict[str, object]) -> str:
    """A keyed digest of the row's cells: equal rows match, the row cannot be read back from it."""
    # Empty cells are left out, so the same sheet saved as CSV, XLSX or ODS has the same fingerprints.
    cells = json.dumps(sorted((str(k), str(v).strip()) for k, v in row.items() if v is not None and str(v).strip()),
                       ensure_ascii=False)
    return get_sealer().blind_index(FINGERPRINT_PURPOSE, cells)


def person_key(person: PersonCreate) -> tuple[bytes, list[str]]:
    """A person's identity within an import (community and the set of name digests), and the digests.

    The key is a 16-byte digest of both, so 200,000 people of a large sheet stay a few megabytes.
    """
    digests = sorted(name_digests([{"name": name.name} for name in person.names], person.community))
    key = hashlib.blake2b("\0".join([person.community or "", *digests]).encode(), digest_size=16).digest()
    return key, digests


@dataclass
class _Run:
    """What the batches of one import share."""

    profile: ImportProfile
    source_sha256: str
    user_id: int | None
    dry_run: bool
    all_or_nothing: bool
    seen: set[bytes] = field(default_factory=set)  # fingerprints of this file's rows so far
    people: dict[bytes, tuple[int, str]] = field(default_factory=dict)  # key -> known or created person
    planned: dict[bytes, int] = field(default_factory=dict)  # key -> first row naming them, in a dry run
    digests: dict[bytes, list[str]] = field(default_factory=dict)  # this batch's people's name digests


def import_rows(session: Session, rows: Iterable[dict[str, object]], profile: ImportProfile, *,
                source_sha256: str, user_id: int | None, dry_run: bool = False, all_or_nothing: bool = False,
                progress: Callable[[Iterable], Iterable] = iter,
                on_row: Callable[[RowOutcome], None] | None = None) -> ImportResult:
    """Check and (unless a dry run) write the rows batch by batch; bad rows refuse only themselves.

    ``on_row`` receives each outcome as its batch is done; given it, the result keeps counts only.
    """
    result = ImportResult(source_sha256, dry_run)
    run = _Run(profile, source_sha256, user_id, dry_run, all_or_nothing)
    writing = not dry_run
    with sealed_box.shared_ephemeral_keys():  # one ephemeral key per batch of sealed values, as demo-data
        for batch in _batches(progress(enumerate(rows, start=2)), BATCH_ROWS):
            checked = _check_batch(session, run, batch)
            if writing and all_or_nothing and any(outcome.outcome == "refused" for outcome in checked):
                writing = _stop_writing(session, run)
            if writing:
                _write_batch(session, run, checked)
            for outcome in checked:
                result.tally[outcome.outcome] += 1
                (on_row or result.rows.append)(RowOutcome(outcome.row_number, outcome.outcome, outcome.reason,
                                                          outcome.linked))
            if writing and all_or_nothing and result.tally["refused"]:
                writing = _stop_writing(session, run)
            elif writing and not all_or_nothing:
                session.commit()  # each batch on its own: memory and the transaction stay bounded
    if not writing:
        session.rollback()
        return result
    record(session, "import.spreadsheet", user_id=user_id, object_type="import", object_id=source_sha256[:16],
           detail={"source_sha256": source_sha256, "profile": profile.name, "counts": result.counts})
    session.commit()
    result.written = True
    return result


def _stop_writing(session: Session, run: _Run) -> bool:
    """All-or-nothing and a row refused: undo what was written; the rest of the sheet is only checked."""
    session.rollback()
    run.people, run.dry_run = {}, True
    return False


def _batches(numbered: Iterable[tuple[int, dict]], size: int) -> Iterator[list[tuple[int, dict]]]:
    """Consecutive lists of ``size`` numbered rows, read from the stream as they are needed."""
    numbered = iter(numbered)
    while batch := list(islice(numbered, size)):
        yield batch


def _check_batch(session: Session, run: _Run, batch: list[tuple[int, dict]]) -> list[RowOutcome]:
    """Each row's planned outcome: refused, duplicate (imported before or repeated), linked or created."""
    fingerprints = [row_fingerprint(row) for _number, row in batch]
    imported = set(session.execute(select(ImportedRow.__table__.c.fingerprint).where(
        ImportedRow.__table__.c.fingerprint.in_(fingerprints))).scalars())
    scope = current_scope()
    run.digests = {}
    if not run.dry_run:
        run.planned = {}  # written batch by batch, people of earlier batches are in run.people
    checked: list[RowOutcome] = []
    unknown: dict[bytes, tuple[str | None, list[str]]] = {}
    for (number, row), fingerprint in zip(batch, fingerprints, strict=True):
        raw = bytes.fromhex(fingerprint)
        if raw in run.seen or fingerprint in imported:
            checked.append(RowOutcome(number, "duplicate", "this row was imported before"))
            continue
        run.seen.add(raw)
        try:
            plan = plan_row(row, run.profile)
        except RowRefused as error:
            checked.append(RowOutcome(number, "refused", str(error)))
            continue
        if scope is not None and not scope.allows(plan.victim.community):  # need to know, as typed records
            checked.append(RowOutcome(number, "refused", "a community outside your access"))
            continue
        keys = []
        for person in people_of(plan):
            key, run.digests[key] = person_key(person)
            keys.append(key)
            if key not in run.people:
                unknown[key] = (person.community, [name.name for name in person.names])
        checked.append(_Checked(number, "created", written=Written(number, fingerprint, plan, keys)))
    run.people.update(known_people(session, unknown))
    for outcome in checked:
        if isinstance(outcome, _Checked):
            _planned_links(run, outcome)
    return checked


@dataclass
class _Checked(RowOutcome):
    """A row that passed the checks, with what writing it needs."""

    written: Written | None = None


def _planned_links(run: _Run, outcome: _Checked) -> None:
    """Known people the row links to, or earlier rows of this file naming the same people."""
    for key in outcome.written.keys:
        if key in run.people:  # known before, or created by an earlier batch
            outcome.linked.append(run.people[key][1])
        elif key in run.planned:  # named in an earlier row: linked too when written
            outcome.linked.append(f"row {run.planned[key]}")
        run.planned.setdefault(key, outcome.row_number)
    outcome.outcome = "linked" if outcome.linked else "created"


def _write_batch(session: Session, run: _Run, checked: list[RowOutcome]) -> None:
    """Write the batch's good rows in bulk; if the database refuses, row by row (or, all-or-nothing, none)."""
    rows = [outcome.written for outcome in checked if isinstance(outcome, _Checked)]
    try:  # write_rows adds the people it created to run.people only once everything is written
        write_rows(session, rows, run.people, run.digests, source_sha256=run.source_sha256,
                   profile_name=run.profile.name, user_id=run.user_id)
    except (IntegrityError, DBAPIError) as error:
        session.rollback()
        if run.all_or_nothing:
            for outcome in checked:
                if isinstance(outcome, _Checked):
                    outcome.outcome, outcome.reason = "refused", _reason(error)
            return
        for outcome in checked:
            if isinstance(outcome, _Checked):
                _write_or_refuse(session, run, outcome)
        return
    for outcome in checked:
        if isinstance(outcome, _Checked):
            written = outcome.written
            outcome.outcome, outcome.reason, outcome.linked = written.outcome, written.reason, written.linked


def _reason(error: Exception) -> str:
    """The first line of an error, short enough to show beside a row."""
    return str(error).splitlines()[0][:200]


# Row by row through the casework functions: only for a batch the database refused in bulk.

def _write_or_refuse(session: Session, run: _Run, outcome: _Checked) -> None:
    """Write one row in a savepoint; a failure refuses that row only."""
    created: list[bytes] = []
    try:
        with session.begin_nested():
            linked = _write_row(session, run, outcome.written, created)
    except (Conflict, NotFound, ValidationError, IntegrityError) as error:
        for key in created:
            run.people.pop(key, None)
        outcome.outcome, outcome.reason, outcome.linked = "refused", _reason(error), []
        return
    outcome.outcome, outcome.reason, outcome.linked = ("linked" if linked else "created"), "", linked


def _write_row(session: Session, run: _Run, row: Written, created: list[bytes]) -> list[str]:
    """Incident, victim, relatives, relationships and statuses of one row, and its fingerprint."""
    user_id, linked, plan = run.user_id, [], row.plan
    incident = create_incident(session, plan.incident, user_id=user_id) if plan.incident else None
    victim = _known_or_new(session, run, row.keys[0], plan.victim, linked, created)
    if incident is not None:
        involve_person(session, incident.id, victim, "target", user_id=user_id)
    for key, relative in zip(row.keys[1:], plan.relatives, strict=True):
        person = _known_or_new(session, run, key, relative.person, linked, created)
        _write_relative(session, victim, person, relative, incident.id if incident else None, user_id)
    session.add(ImportedRow(fingerprint=row.fingerprint, source_sha256=run.source_sha256, row_number=row.number,
                            incident_id=incident.id if incident else None, person_id=victim.id,
                            community=plan.victim.community))
    record(session, "import.row", user_id=user_id, object_type="incident" if incident else "person",
           object_id=incident.id if incident else victim.id,
           detail={"source_sha256": run.source_sha256, "row": row.number, "profile": run.profile.name})
    return linked


def _known_or_new(session: Session, run: _Run, key: bytes, data: PersonCreate, linked: list[str],
                  created: list[bytes]) -> Person:
    """The person found for these names while checking (noted in ``linked``), or a new person."""
    if key in run.people:
        linked.append(run.people[key][1])
        return survivor(session, session.get(Person, run.people[key][0]))
    person = create_person(session, data, user_id=run.user_id)
    run.people[key] = (person.id, person.pseudonym)
    created.append(key)
    return person


def _write_relative(session: Session, victim: Person, person: Person, relative: RelativePlan,
                    incident_id: int | None, user_id: int | None) -> None:
    """A relative's relationship to the victim and their dated statuses."""
    link = session.exec(select(PersonRelationship).where(
        PersonRelationship.person_id == victim.id, PersonRelationship.related_person_id == person.id,
        PersonRelationship.relationship_type == relative.relationship_type)).first()
    if link is None:
        link = add_relationship(session, RelationshipCreate(
            person_id=victim.id, related_person_id=person.id, relationship_type=relative.relationship_type),
            user_id=user_id)
    if incident_id is not None and relative.statuses:
        involve_person(session, incident_id, person, "relative_targeted", user_id=user_id)
    for status in relative.statuses:
        record_relative_status(session, RelativeStatusCreate(
            person_id=person.id, relationship_id=link.id, status=status.status, status_date=status.status_date,
            date_precision=status.date_precision, in_retaliation=status.in_retaliation,
            incident_id=incident_id), user_id=user_id)
