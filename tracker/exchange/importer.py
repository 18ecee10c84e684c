"""Importing planned rows: fingerprints, links to known people, writing through the domain functions.

Everything is written through the casework functions, so names are sealed by the column types
with the organisation's public key only and indexed for search (DESIGN §2): an import needs no
private key. Linking to a known person compares blind-index digests of the imported name (held
in the clear because it is being imported), never a sealed name read back.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import sealed_box
from ..audit import record
from ..crypto import get_sealer
from ..models import ImportedRow, Person
from ..models.inputs import PersonCreate, RelationshipCreate, RelativeStatusCreate
from ..casework.errors import Conflict, NotFound
from ..casework.incidents import create_incident
from ..casework.names import matching_person_ids, name_digests
from ..casework.need_to_know import visible
from ..casework.people import create_person, involve_person, survivor
from ..staff.scope import current_scope
from ..casework.relatives import add_relationship, record_relative_status
from ..models import PersonRelationship
from .profiles import ImportProfile
from .rows import RelativePlan, RowPlan, RowRefused, plan_row

FINGERPRINT_PURPOSE = "import.row"
COMMIT_EVERY = 200


@dataclass
class RowOutcome:
    """What happened (or, in a dry run, would happen) to one row."""

    row_number: int
    outcome: str  # created, linked, duplicate, refused
    reason: str = ""
    linked: list[str] = field(default_factory=list)  # pseudonyms of known people the row links to


@dataclass
class ImportResult:
    """The outcome of every row and the counts by outcome."""

    source_sha256: str
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    written: bool = False

    @property
    def counts(self) -> dict[str, int]:
        """Rows per outcome."""
        return dict(Counter(row.outcome for row in self.rows))


def file_digest(content: bytes) -> str:
    """The SHA-256 of the source file, which the audit log keeps for every import."""
    return hashlib.sha256(content).hexdigest()


def row_fingerprint(row: dict[str, object]) -> str:
    """A keyed digest of the row's cells: equal rows match, the row cannot be read back from it."""
    # Empty cells are left out, so the same sheet saved as CSV, XLSX or ODS has the same fingerprints.
    cells = json.dumps(sorted((str(k), str(v).strip()) for k, v in row.items() if v is not None and str(v).strip()),
                       ensure_ascii=False)
    return get_sealer().blind_index(FINGERPRINT_PURPOSE, cells)


def known_person(session: Session, person: PersonCreate) -> Person | None:
    """The one existing person of the same community whose name keys meet an imported name, if only one."""
    found: dict[int, Person] = {}
    for entry in person.names:
        for person_id in matching_person_ids(session, entry.name, limit=5):
            candidate = survivor(session, session.get(Person, person_id))
            # Only people the asker may see (need to know): a hidden person is neither linked nor named.
            if candidate.community == person.community and not candidate.is_group and visible(session, candidate):
                found[candidate.id] = candidate
    return next(iter(found.values())) if len(found) == 1 else None


def import_rows(session: Session, rows: Sequence[dict[str, object]], profile: ImportProfile, *,
                source_sha256: str, user_id: int | None, dry_run: bool = False, all_or_nothing: bool = False,
                progress: Callable[[Iterable], Iterable] = iter) -> ImportResult:
    """Plan every row, then (unless a dry run) write the good ones, each row on its own or all as one."""
    result = ImportResult(source_sha256, dry_run)
    seen: set[str] = set()
    run = _Run(profile, source_sha256, user_id, _People())
    planned: dict[tuple, int] = {}  # (community, name digests) of people planned so far -> their row
    plans: list[tuple[int, str, RowPlan]] = []
    for number, row in progress(enumerate(rows, start=2)):  # row 1 is the header
        outcome, plan, fingerprint = _check(session, row, number, profile, seen, planned, run.people)
        result.rows.append(outcome)
        if plan is not None:
            plans.append((number, fingerprint, plan))
    if dry_run or (all_or_nothing and result.counts.get("refused")):
        session.rollback()
        return result
    outcomes = {outcome.row_number: outcome for outcome in result.rows}
    with sealed_box.shared_ephemeral_keys():  # one ephemeral key per batch of sealed values, as demo-data
        for done, (number, fingerprint, plan) in enumerate(plans, start=1):
            _write_or_refuse(session, run, plan, number, fingerprint, outcomes[number], all_or_nothing)
            if not all_or_nothing and done % COMMIT_EVERY == 0:
                session.commit()  # the identity map holds rows weakly: memory stays flat on large sheets
    counts = result.counts
    record(session, "import.spreadsheet", user_id=user_id, object_type="import", object_id=source_sha256[:16],
           detail={"source_sha256": source_sha256, "profile": profile.name, "counts": counts})
    session.commit()
    result.written = True
    return result


def _check(session: Session, row: dict[str, object], number: int, profile: ImportProfile,
           seen: set[str], planned: dict[tuple, int], people: _People) -> tuple[RowOutcome, RowPlan | None, str]:
    """The row's planned outcome: refused, duplicate (imported before or repeated), linked or created."""
    fingerprint = row_fingerprint(row)
    if fingerprint in seen or session.get(ImportedRow, fingerprint) is not None:
        return RowOutcome(number, "duplicate", "this row was imported before"), None, fingerprint
    seen.add(fingerprint)
    try:
        plan = plan_row(row, profile)
    except RowRefused as error:
        return RowOutcome(number, "refused", str(error)), None, fingerprint
    scope = current_scope()
    if scope is not None and not scope.allows(plan.victim.community):  # need to know, as typed records
        return RowOutcome(number, "refused", "a community outside your access"), None, fingerprint
    linked = []
    for person in _people(plan):
        key = people.key_of(person)
        if key in people.ids:  # known before, or found for an earlier row
            linked.append(people.pseudonyms[key])
        elif (known := known_person(session, person)) is not None:
            people.ids[key], people.pseudonyms[key] = known.id, known.pseudonym
            linked.append(known.pseudonym)
        elif key in planned:  # named in an earlier row of this file: linked too when written
            linked.append(f"row {planned[key]}")
        planned.setdefault(key, number)
    return RowOutcome(number, "linked" if linked else "created", linked=linked), plan, fingerprint


def _people(plan: RowPlan) -> list[PersonCreate]:
    """The victim and every relative of a planned row."""
    return [plan.victim, *(relative.person for relative in plan.relatives)]


@dataclass
class _People:
    """People of this import by (community, name digests): found once, then reused by id.

    A person is searched for once, while rows are checked; writing reuses the answer, and a
    person created by one row is linked (not created again) when a later row names them.
    """

    ids: dict[tuple, int] = field(default_factory=dict)
    pseudonyms: dict[tuple, str] = field(default_factory=dict)
    _keys: dict[int, tuple] = field(default_factory=dict)

    def key_of(self, person: PersonCreate) -> tuple:
        """The person's community and the set of their name digests (computed once per input)."""
        if id(person) not in self._keys:
            names = [name.model_dump() for name in person.names]
            self._keys[id(person)] = (person.community, frozenset(name_digests(names, person.community)))
        return self._keys[id(person)]

    def forget(self, keys: list[tuple]) -> None:
        """Drop people created by a row that was rolled back."""
        for key in keys:
            self.ids.pop(key, None)
            self.pseudonyms.pop(key, None)


@dataclass(frozen=True)
class _Run:
    """What every written row of one import shares."""

    profile: ImportProfile
    source_sha256: str
    user_id: int | None
    people: _People


def _write_or_refuse(session: Session, run: _Run, plan: RowPlan, number: int, fingerprint: str,
                     outcome: RowOutcome, all_or_nothing: bool) -> None:
    """Write one row in a savepoint; a failure refuses that row only (or, all-or-nothing, everything)."""
    created: list[tuple] = []
    try:
        with session.begin_nested():
            linked = _write_row(session, run, plan, number, fingerprint, created)
    except (Conflict, NotFound, ValidationError, IntegrityError) as error:
        if all_or_nothing:
            session.rollback()
            raise
        run.people.forget(created)
        outcome.outcome, outcome.reason = "refused", str(error).splitlines()[0][:200]
        return
    # Earlier rows of this file may have created people this row now links to.
    outcome.outcome, outcome.linked = ("linked" if linked else "created"), linked


def _write_row(session: Session, run: _Run, plan: RowPlan, number: int, fingerprint: str,
               created: list[tuple]) -> list[str]:
    """Incident, victim, relatives, relationships and statuses of one row, and its fingerprint.

    Returns the pseudonyms of the known people the row was linked to.
    """
    user_id, linked = run.user_id, []
    incident = create_incident(session, plan.incident, user_id=user_id) if plan.incident else None
    victim = _known_or_new(session, run, plan.victim, linked, created)
    if incident is not None:
        involve_person(session, incident.id, victim, "target", user_id=user_id)
    for relative in plan.relatives:
        person = _known_or_new(session, run, relative.person, linked, created)
        _write_relative(session, victim, person, relative, incident.id if incident else None, user_id)
    session.add(ImportedRow(fingerprint=fingerprint, source_sha256=run.source_sha256, row_number=number,
                            incident_id=incident.id if incident else None, person_id=victim.id,
                            community=plan.victim.community))
    record(session, "import.row", user_id=user_id, object_type="incident" if incident else "person",
           object_id=incident.id if incident else victim.id,
           detail={"source_sha256": run.source_sha256, "row": number, "profile": run.profile.name})
    return linked


def _known_or_new(session: Session, run: _Run, data: PersonCreate, linked: list[str],
                  created: list[tuple]) -> Person:
    """The person found for these names while checking (noted in ``linked``), or a new person."""
    key = run.people.key_of(data)
    if key in run.people.ids:
        linked.append(run.people.pseudonyms[key])
        return survivor(session, session.get(Person, run.people.ids[key]))
    person = create_person(session, data, user_id=run.user_id)
    run.people.ids[key], run.people.pseudonyms[key] = person.id, person.pseudonym
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
