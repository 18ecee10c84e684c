"""People: creating and finding them, their sealed names and the blind index over those names.

Names are sealed at rest (DESIGN §2); search works on ``PersonNameToken`` rows, keyed digests of
each normalised and romanised name token (see ``names.py``). The index reveals only equality:
someone holding the database and the index key could test guesses, and the number of people
sharing a token is visible. It reveals no name without the key.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlmodel import Session, select

from ..audit import record
from ..models import Involvement, Person
from ..models.inputs import PersonCreate
from .errors import Conflict, NotFound, get_or_not_found
from .need_to_know import visible
from .names import index_person_names, matching_person_ids

PERSON_FIELDS = ("community", "citizenships", "residence_country", "residence_place", "birth_year",
                 "target_types", "is_group", "group_size", "group_size_kind", "notes")


def new_pseudonym() -> str:
    """A random pseudonym shown on screens instead of the name; it says nothing about the person."""
    return "P-" + secrets.token_hex(4).upper()


def get_person(session: Session, person_id: int) -> Person:
    """The person with this id; NotFound if there is none."""
    return get_or_not_found(session, Person, person_id, "person")


def create_person(session: Session, data: PersonCreate, *, user_id: int | None) -> Person:
    """Record a person, seal their names, index them for search, and audit the creation."""
    pseudonym = data.pseudonym or new_pseudonym()
    if session.exec(select(Person.id).where(Person.pseudonym == pseudonym)).first() is not None:
        raise Conflict("this pseudonym is already used")
    person = Person(pseudonym=pseudonym, **{name: getattr(data, name) for name in PERSON_FIELDS})
    _save_names(session, person, data)
    record(session, "person.create", user_id=user_id, object_type="person", object_id=person.id)
    return person


def update_person(session: Session, person: Person, data: PersonCreate, *, user_id: int | None) -> Person:
    """Replace a person's details and names, re-index the names, and audit the change."""
    for name in PERSON_FIELDS:
        setattr(person, name, getattr(data, name))
    if data.pseudonym and data.pseudonym != person.pseudonym:
        taken = session.exec(select(Person.id).where(Person.pseudonym == data.pseudonym)).first()
        if taken is not None:
            raise Conflict("this pseudonym is already used")
        person.pseudonym = data.pseudonym
    _save_names(session, person, data)
    record(session, "person.update", user_id=user_id, object_type="person", object_id=person.id)
    return person


def _save_names(session: Session, person: Person, data: PersonCreate) -> None:
    """Seal the person's names and rewrite their search tokens."""
    person.names = [name.model_dump() for name in data.names]
    session.add(person)
    session.flush()
    index_names(session, person)


def index_names(session: Session, person: Person) -> None:
    """Rewrite the person's blind-index digests from their current names (see ``names.py``)."""
    index_person_names(session, person)


def find_people(session: Session, query: str, *, limit: int = 50) -> list[Person]:
    """People whose names contain every part of the query, in any script; merged people resolve."""
    ids = person_ids_matching(session, query, limit=limit)
    people = [person for pid in ids if visible(session, person := session.get(Person, pid)) and person]
    return _dedupe(found for found in (_visible_survivor(session, p) for p in people) if found is not None)


def _visible_survivor(session: Session, person: Person) -> Person | None:
    """The survivor of a merge, if the asker may see it."""
    try:
        return survivor(session, person)
    except NotFound:
        return None


def person_ids_matching(session: Session, query: str, *, limit: int = 200) -> list[int]:
    """Ids of people whose name keys meet every part of the query, in any script or reading."""
    return matching_person_ids(session, query, limit=limit)


def survivor_ids(session: Session, person_ids: Iterable[int]) -> set[int]:
    """The survivors of these people's merges (following chains), by id: one statement per step
    of the longest chain, and no sealed column loaded. It does not check need to know: callers
    use it inside a statement that applies it (the queue's community clause)."""
    person_ids = list(person_ids)
    merged_into: dict[int, int | None] = {}
    pending = set(person_ids)
    while pending:
        rows = session.exec(select(Person.id, Person.merged_into_id).where(Person.id.in_(pending))).all()
        merged_into.update(rows)
        pending = {into for _, into in rows if into is not None and into not in merged_into}
    survivors = set()
    for person_id in person_ids:
        seen = {person_id}
        while merged_into.get(person_id) is not None and merged_into[person_id] not in seen:
            person_id = merged_into[person_id]
            seen.add(person_id)
        if person_id in merged_into:  # a person who exists
            survivors.add(person_id)
    return survivors


def survivor(session: Session, person: Person) -> Person:
    """The person this one was merged into (following chains), or the person itself."""
    seen = {person.id}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = get_person(session, person.merged_into_id)
    return person


def _dedupe(people: Iterable[Person]) -> list[Person]:
    """People in order, each once."""
    unique: dict[int, Person] = {}
    for person in people:
        unique.setdefault(person.id, person)
    return list(unique.values())


def involve_person(session: Session, incident_id: int, person: Person, role: str, *, user_id: int | None,
                   tactic: str | None = None, perpetrator_type: str | None = None,
                   attribution: str | None = None) -> Involvement:
    """Link a person to an incident with a role (target, relative targeted, perpetrator, witness)."""
    exists = session.exec(select(Involvement).where(
        Involvement.incident_id == incident_id, Involvement.person_id == person.id, Involvement.role == role,
    )).first()
    if exists is not None:
        raise Conflict("this person already has this role in the incident")
    involvement = Involvement(incident_id=incident_id, person_id=person.id, role=role, tactic=tactic,
                              perpetrator_type=perpetrator_type, attribution=attribution)
    session.add(involvement)
    session.flush()
    record(session, "incident.involve", user_id=user_id, object_type="incident", object_id=incident_id,
           detail={"person_id": person.id, "role": role})
    return involvement
