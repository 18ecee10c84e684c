"""Writing a batch of checked spreadsheet rows with one insert per table.

The casework functions write one object at a time (a flush, a search and an audit append
each: ~40 statements per row); an import of 100,000 rows needs a few statements per *batch*.
What they check is checked here too, in memory, before anything is written: a relative who is
the victim, the same relative twice in one incident, a relationship already recorded (reused),
a pseudonym already taken (drawn again). Values go through the same column types, so names and
titles are sealed to the organisation's public key exactly as typed data is; ids are reserved
first (a PostgreSQL sequence, or SQLite's next ids under its write lock) so rows can refer to
each other without reading anything back. Kept statistics move by the people the batch
touched (tracker.analytics.upkeep), and every object gets the audit event its casework function
would have written, appended in one go (``audit.record_many``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import false, func, insert, select, text, update
from sqlmodel import Session

# The flush hook's own steps, for inserts it cannot see (see kept_counts).
from ..analytics.upkeep import _apply, _has_registry, _memberships, _people, _registered
from ..audit import event_values, record_many, serialise_writes
from ..casework.incidents import CODED, INCIDENT_FIELDS
from ..casework.people import PERSON_FIELDS, new_pseudonym
from ..models import (
    ImportedRow, Incident, IncidentCode, Involvement, Person, PersonNameToken, PersonRelationship, RelativeStatus,
    utcnow,
)
from ..models.inputs import PersonCreate
from .rows import RelativePlan, RowPlan

CHUNK = 500


@dataclass
class Written:
    """One row to write: its plan, the key of each of its people (victim first), what happened."""

    number: int
    fingerprint: str
    plan: RowPlan
    keys: list[bytes]
    outcome: str = "created"
    reason: str = ""
    linked: list[str] = field(default_factory=list)


@dataclass
class Batch:
    """What one batch writes, gathered before any statement runs."""

    user_id: int | None
    source_sha256: str
    profile_name: str
    known: dict[bytes, tuple[int, str]]  # people known before this batch: key -> (id, pseudonym)
    new: dict[bytes, dict]  # people this batch creates: key -> their values, with id and pseudonym
    now: object = field(default_factory=utcnow)
    announced: set[int] = field(default_factory=set)  # new people whose person.create is written
    people: list[dict] = field(default_factory=list)
    tokens: list[dict] = field(default_factory=list)
    incidents: list[dict] = field(default_factory=list)
    codes: list[dict] = field(default_factory=list)
    relationships: list[dict] = field(default_factory=list)
    involvements: list[dict] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)
    imported: list[dict] = field(default_factory=list)
    events: list = field(default_factory=list)

    def event(self, action: str, object_type: str, object_id: int, detail: dict | None = None) -> None:
        """The audit event a casework function would have appended."""
        self.events.append(event_values(action, user_id=self.user_id, object_type=object_type,
                                        object_id=object_id, detail=detail))


def people_of(plan: RowPlan) -> list[PersonCreate]:
    """The victim and every relative of a planned row."""
    return [plan.victim, *(relative.person for relative in plan.relatives)]


def write_rows(session: Session, rows: list[Written], people: dict[bytes, tuple[int, str]],
               digests: dict[bytes, list[str]], *, source_sha256: str, profile_name: str,
               user_id: int | None) -> None:
    """Write the rows not refused here; ``people`` gains everyone created (key -> id, pseudonym)."""
    for row in rows:
        _refuse_impossible(row, people)
    rows = [row for row in rows if row.outcome != "refused"]
    batch = Batch(user_id, source_sha256, profile_name, people, _new_people(session, rows, people))
    for key, person_id in zip(batch.new, reserve_ids(session, Person, len(batch.new)), strict=True):
        data = batch.new[key]
        data["id"] = person_id
        batch.people.append({"merged_into_id": None, "created_at": batch.now, **data})
        batch.tokens += [{"person_id": person_id, "digest": digest} for digest in digests[key]]
    ids = {
        "incident": iter(reserve_ids(session, Incident, sum(1 for row in rows if row.plan.incident))),
        # an upper bound: relationships already recorded are reused
        "relationship": iter(reserve_ids(session, PersonRelationship, sum(len(row.plan.relatives) for row in rows))),
        "status": iter(reserve_ids(session, RelativeStatus, sum(
            len(relative.statuses) for row in rows for relative in row.plan.relatives))),
    }
    existing = _relationships(session, rows, people)
    for row in rows:
        _gather_row(batch, row, ids, existing)
    with kept_counts(session, batch):
        for model, values in ((Person, batch.people), (PersonNameToken, batch.tokens), (Incident, batch.incidents),
                              (IncidentCode, batch.codes), (PersonRelationship, batch.relationships),
                              (Involvement, batch.involvements), (RelativeStatus, batch.statuses),
                              (ImportedRow, batch.imported)):
            if values:
                session.execute(insert(model.__table__), values)
    record_many(session, batch.events)
    for key, data in batch.new.items():
        people[key] = (data["id"], data["pseudonym"])


def _refuse_impossible(row: Written, people: dict[bytes, tuple[int, str]]) -> None:
    """Refuse what add_relationship and involve_person would refuse, before anything is written."""
    identity = [people[key][0] if key in people else key for key in row.keys]
    victim, relatives = identity[0], identity[1:]
    if victim in relatives:
        row.outcome, row.reason = "refused", "a person cannot be related to themselves"
    involved = [who for who, plan in zip(relatives, row.plan.relatives, strict=True) if plan.statuses]
    if row.plan.incident and len(involved) != len(set(involved)):
        row.outcome, row.reason = "refused", "this person already has this role in the incident"


def _new_people(session: Session, rows: list[Written], people: dict[bytes, tuple[int, str]]) -> dict[bytes, dict]:
    """The people this batch creates (key -> their values), each with a pseudonym not yet taken."""
    new: dict[bytes, dict] = {}
    for row in rows:
        for key, person in zip(row.keys, people_of(row.plan), strict=True):
            if key not in people and key not in new:
                new[key] = {"names": [name.model_dump() for name in person.names],
                            **{name: getattr(person, name) for name in PERSON_FIELDS}}
    pending = list(new)
    while pending:  # ~5 of 200,000 eight-hex-digit pseudonyms collide: draw those again
        for key in pending:
            new[key]["pseudonym"] = new_pseudonym()
        drawn = [new[key]["pseudonym"] for key in pending]
        taken = set()
        for start in range(0, len(drawn), CHUNK):
            taken |= set(session.execute(select(Person.__table__.c.pseudonym).where(
                Person.__table__.c.pseudonym.in_(drawn[start:start + CHUNK]))).scalars())
        counts = Counter(entry["pseudonym"] for entry in new.values())
        pending = [key for key in pending if new[key]["pseudonym"] in taken or counts[new[key]["pseudonym"]] > 1]
    return new


def _relationships(session: Session, rows: list[Written],
                   people: dict[bytes, tuple[int, str]]) -> dict[tuple[int, int, str], int]:
    """Relationships already recorded between people known before this batch (they are reused)."""
    victims = sorted({people[row.keys[0]][0] for row in rows if row.keys[0] in people})
    table = PersonRelationship.__table__
    found = {}
    for start in range(0, len(victims), CHUNK):
        for link in session.execute(select(table.c.id, table.c.person_id, table.c.related_person_id,
                                           table.c.relationship_type)
                                    .where(table.c.person_id.in_(victims[start:start + CHUNK]))):
            found[link.person_id, link.related_person_id, link.relationship_type] = link.id
    return found


def _gather_row(batch: Batch, row: Written, ids: dict[str, Iterator[int]],
                existing: dict[tuple[int, int, str], int]) -> None:
    """The rows and audit events of one spreadsheet row, in the order the casework functions write them."""
    plan = row.plan
    incident_id = next(ids["incident"]) if plan.incident else None
    if plan.incident:
        batch.incidents.append({"id": incident_id, "created_by_id": batch.user_id, "case_id": None,
                                "location_id": None, "merged_into_id": None, "is_synthetic": False,
                                "created_at": batch.now, "updated_at": batch.now,
                                **{name: getattr(plan.incident, name) for name in INCIDENT_FIELDS}})
        batch.codes += [{"incident_id": incident_id, "vocabulary": vocabulary, "code": code}
                        for vocabulary in CODED for code in dict.fromkeys(getattr(plan.incident, vocabulary + "s"))]
        batch.event("incident.create", "incident", incident_id)
    victim = _person(batch, row, row.keys[0])
    if incident_id is not None:
        _involve(batch, incident_id, victim, "target")
    for key, relative in zip(row.keys[1:], plan.relatives, strict=True):
        person_id = _person(batch, row, key)
        link_id = _relationship(batch, existing, victim, person_id, relative, ids["relationship"])
        if incident_id is not None and relative.statuses:
            _involve(batch, incident_id, person_id, "relative_targeted")
        for status in relative.statuses:
            status_id = next(ids["status"])
            batch.statuses.append({
                "id": status_id, "person_id": person_id, "relationship_id": link_id, "status": status.status,
                "status_date": status.status_date, "date_precision": status.date_precision,
                "in_retaliation": status.in_retaliation, "incident_id": incident_id, "created_at": batch.now,
                **dict.fromkeys(("location_id", "place_text", "sentence_months", "sentence_charge", "sentence_court",
                                 "retaliation_reason", "proof_of_life_kind", "health_concern", "health_note",
                                 "source", "notes"))})
            batch.event("relative_status.create", "person", person_id,
                        {"status": status.status, "status_id": status_id})
    row.outcome = "linked" if row.linked else "created"
    batch.imported.append({"fingerprint": row.fingerprint, "source_sha256": batch.source_sha256,
                           "row_number": row.number, "incident_id": incident_id, "person_id": victim,
                           "community": plan.victim.community, "imported_at": batch.now})
    batch.event("import.row", "incident" if incident_id is not None else "person",
                incident_id if incident_id is not None else victim,
                {"source_sha256": batch.source_sha256, "row": row.number, "profile": batch.profile_name})


def _person(batch: Batch, row: Written, key: bytes) -> int:
    """The id of a person of the row; a person known before, or created by an earlier row, is linked."""
    if key in batch.known:
        person_id, pseudonym = batch.known[key]
        row.linked.append(pseudonym)
        return person_id
    data = batch.new[key]
    if data["id"] in batch.announced:
        row.linked.append(data["pseudonym"])
    else:
        batch.announced.add(data["id"])
        batch.event("person.create", "person", data["id"])
    return data["id"]


def _involve(batch: Batch, incident_id: int, person_id: int, role: str) -> None:
    """A role in the incident, as involve_person records it."""
    batch.involvements.append({"incident_id": incident_id, "person_id": person_id, "role": role, "tactic": None,
                               "perpetrator_type": None, "attribution": None})
    batch.event("incident.involve", "incident", incident_id, {"person_id": person_id, "role": role})


def _relationship(batch: Batch, existing: dict[tuple[int, int, str], int], victim: int, person: int,
                  relative: RelativePlan, relationship_ids: Iterator[int]) -> int:
    """The relationship's id: one already recorded (or written by an earlier row), or a new one."""
    key = (victim, person, relative.relationship_type)
    if key not in existing:
        existing[key] = next(relationship_ids)
        batch.relationships.append({"id": existing[key], "person_id": victim, "related_person_id": person,
                                    "relationship_type": relative.relationship_type, "since": None,
                                    "since_precision": None, "notes": None})
        batch.event("relationship.create", "relationship", existing[key], {"type": relative.relationship_type})
    return existing[key]


def reserve_ids(session: Session, model: type, count: int) -> list[int]:
    """``count`` ids for new rows of a table, ascending, that no other writer can take."""
    if not count:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        return list(session.execute(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                          "FROM generate_series(1, :count)"),
                                    {"table": table.name, "count": count}).scalars())
    # A write that changes nothing takes SQLite's write lock, held until commit: the next ids
    # after the largest are then ours.
    session.execute(update(table).where(false()).values(id=table.c.id))
    start = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()
    return list(range(start + 1, start + count + 1))


@contextmanager
def kept_counts(session: Session, batch: Batch) -> Iterator[None]:
    """Move the kept statistics (tracker.analytics.upkeep) by the people the block's inserts touch.

    The upkeep hook sees ORM flushes only; these inserts are Core statements, so the hook's own
    steps run here: the people it would list for these rows, their cells before the block and
    after it, the difference added to every registered cell. Nothing is read while no margin is
    registered.
    """
    connection = session.connection()
    margins = _registered(connection) if _has_registry(connection) else {}
    if not margins:
        yield
        return
    serialise_writes(connection)  # as the hook: no other host counts the same people meanwhile
    # Unsaved stand-ins carrying only the ids the hook reads from changed objects.
    changed = [*(Incident(id=row["id"]) for row in batch.incidents),
               *(Involvement(**row) for row in batch.involvements),
               *(PersonRelationship(**row) for row in batch.relationships),
               *(RelativeStatus(person_id=row["person_id"], incident_id=row["incident_id"]) for row in batch.statuses)]
    people = _people(connection, changed)
    before = _memberships(connection, margins, people)
    yield
    after = _people(connection, changed)
    people = {kind: people[kind] | after[kind] for kind in people}
    _apply(connection, before, _memberships(connection, margins, people))
