"""Groups and mass cases (issue 12 item 3): the Hong Kong 47, 222 expelled prisoners.

A group is a person with ``is_group`` and a size (exact, at least, estimated). Named members are
people linked to it by a "group_member" relationship (person = the group, related = the member).
Counting follows one rule: a group counts as its size, or as its named members when more are
named than the size says; a named member who is also a target of the same incident is inside
that number, never counted again. A size "at least" counts as that floor and an "estimated" size
as the estimate. ``group_numbers`` is the rule; casework (``targeted_people``) and the analysts'
statistics (tracker.analytics.tables, upkeep) both count with it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, true
from sqlmodel import Session, select

from ..models import Case, CasePerson, Incident, Involvement, Person, PersonRelationship
from ..models.inputs import PersonCreate, PersonName
from .cases import attach_person
from .errors import Conflict
from .people import create_person, involve_person
from .relatives import add_relationship
from ..models.inputs import RelationshipCreate

MEMBER = "group_member"
MAX_MEMBERS_AT_ONCE = 500


@dataclass(frozen=True)
class GroupNumber:
    """How many people a group stands for, and how many of them are named members."""

    people: int  # max(size, named members); a group with neither counts as one
    named: int

    @property
    def unnamed(self) -> int:
        """People the group adds beyond the ones who appear on their own (its named members, or itself)."""
        return self.people - max(self.named, 1)


def group_numbers(connection, group_ids: Iterable[int]) -> dict[int, GroupNumber]:
    """The number of each of these people that is a group (others are left out), as the database stands.

    ``connection`` is a Session or a Connection: the statistics' flush hook counts in mid-flush.
    """
    ids = sorted(set(group_ids))
    if not ids:
        return {}
    sizes = dict(connection.execute(select(Person.id, Person.group_size).where(
        Person.id.in_(ids), Person.is_group == true())).all())
    # A merged member's link stays only where the kept person was a member already (kept so the
    # merge can be undone): counted, it was one more named member than there are people.
    named = dict(connection.execute(
        select(PersonRelationship.person_id, func.count())
        .join(Person, Person.id == PersonRelationship.related_person_id)
        .where(PersonRelationship.person_id.in_(list(sizes)), PersonRelationship.relationship_type == MEMBER,
               Person.merged_into_id.is_(None))
        .group_by(PersonRelationship.person_id)).all()) if sizes else {}
    return {group: GroupNumber(max(size or 1, named.get(group, 0)), named.get(group, 0))
            for group, size in sizes.items()}


def member_ids(session: Session, group_id: int) -> list[int]:
    """Ids of a group's named members, in the order they were added."""
    return list(session.exec(select(PersonRelationship.related_person_id).where(
        PersonRelationship.person_id == group_id, PersonRelationship.relationship_type == MEMBER)
        .order_by(PersonRelationship.id)).all())


def group_members(session: Session, group_id: int) -> list[Person]:
    """A group's named members."""
    ids = member_ids(session, group_id)
    people = {p.id: p for p in session.exec(select(Person).where(Person.id.in_(ids))).all()} if ids else {}
    return [people[i] for i in ids if i in people]


def names_from_lines(text: str) -> list[str]:
    """One name per non-empty line, trimmed, each once, in order."""
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def add_named_members(session: Session, group: Person, names: Iterable[str], *, incident_id: int | None,
                      user_id: int | None) -> list[Person]:
    """Record each name as a person linked to the group (and to the incident as a target, if given)."""
    if not group.is_group:
        raise Conflict("members can be added only to a group")
    names = list(names)
    if len(names) > MAX_MEMBERS_AT_ONCE:
        raise Conflict(f"at most {MAX_MEMBERS_AT_ONCE} names at once")
    incident = session.get(Incident, incident_id) if incident_id is not None else None
    if incident_id is not None and incident is None:
        raise Conflict(f"there is no incident {incident_id}")
    case = session.get(Case, incident.case_id) if incident is not None and incident.case_id else None
    members = []
    for name in names:
        member = create_person(session, PersonCreate(names=[PersonName(name=name)], community=group.community),
                               user_id=user_id)
        add_relationship(session, RelationshipCreate(person_id=group.id, related_person_id=member.id,
                                                     relationship_type=MEMBER), user_id=user_id)
        if incident is not None:
            involve_person(session, incident.id, member, "target", user_id=user_id)
        if case is not None:
            attach_person(session, case, member, "group_member", user_id=user_id)
        members.append(member)
    return members


def targeted_people(session: Session, incident_ids: Iterable[int]) -> int:
    """How many people the incidents targeted: each group as its size, each other person once.

    A person counts once however many incidents name them; a named member of a targeted group is
    inside the group's number; a group counts as max(size, named members).
    """
    ids = list(incident_ids)
    if not ids:
        return 0
    # A merged person's leftover involvement duplicates the kept person's (tracker.casework.dedup).
    targets = set(session.exec(select(Involvement.person_id).join(Person, Person.id == Involvement.person_id).where(
        Involvement.incident_id.in_(ids), Involvement.role == "target", Person.merged_into_id.is_(None))).all())
    numbers = group_numbers(session, targets)
    inside: set[int] = set()
    for group in numbers:
        inside |= set(member_ids(session, group))
    return sum(number.people for number in numbers.values()) + len(targets - set(numbers) - inside)


def people_in_case_by_group(session: Session, case_id: int) -> dict[int, int]:
    """Which group each member of a case's groups belongs to (member id -> group id), for the diagram."""
    ids = select(CasePerson.person_id).where(CasePerson.case_id == case_id)
    rows = session.exec(select(PersonRelationship.related_person_id, PersonRelationship.person_id).where(
        PersonRelationship.relationship_type == MEMBER, PersonRelationship.person_id.in_(ids))).all()
    return {member: group for member, group in rows}
