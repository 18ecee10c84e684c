"""Relationships between people, and the dated series of what happened to each relative."""
from __future__ import annotations

from sqlmodel import Session, select

from ..audit import record
from ..models import Incident, PersonRelationship, RelativeStatus
from ..models.inputs import RelationshipCreate, RelativeStatusCreate
from .errors import Conflict, NotFound, get_or_not_found
from .people import get_person


def add_relationship(session: Session, data: RelationshipCreate, *, user_id: int | None) -> PersonRelationship:
    """Record that ``related_person`` is the ``relationship_type`` of ``person`` (e.g. her parent)."""
    get_person(session, data.person_id)
    get_person(session, data.related_person_id)
    exists = session.exec(select(PersonRelationship.id).where(
        PersonRelationship.person_id == data.person_id,
        PersonRelationship.related_person_id == data.related_person_id,
        PersonRelationship.relationship_type == data.relationship_type,
    )).first()
    if exists is not None:
        raise Conflict("this relationship is already recorded")
    link = PersonRelationship.model_validate(data)
    session.add(link)
    session.flush()
    record(session, "relationship.create", user_id=user_id, object_type="relationship", object_id=link.id,
           detail={"type": link.relationship_type})
    return link


def get_relationship(session: Session, relationship_id: int) -> PersonRelationship:
    """The relationship with this id; NotFound if there is none."""
    return get_or_not_found(session, PersonRelationship, relationship_id, "relationship")


def record_relative_status(session: Session, data: RelativeStatusCreate, *, user_id: int | None) -> RelativeStatus:
    """Add one dated status (detained, sentenced, released...) to a person's history."""
    get_person(session, data.person_id)
    if data.relationship_id is not None:
        link = get_relationship(session, data.relationship_id)
        if data.person_id not in (link.related_person_id, link.person_id):
            raise Conflict("the relationship does not involve this person")
    if data.incident_id is not None and session.get(Incident, data.incident_id) is None:
        raise NotFound(f"incident {data.incident_id}")
    status = RelativeStatus.model_validate(data)
    session.add(status)
    session.flush()
    record(session, "relative_status.create", user_id=user_id, object_type="person", object_id=data.person_id,
           detail={"status": status.status, "status_id": status.id})
    return status


def status_history(session: Session, person_id: int) -> list[RelativeStatus]:
    """A person's statuses, oldest first; undated ones last."""
    statuses = session.exec(select(RelativeStatus).where(RelativeStatus.person_id == person_id)).all()
    return sorted(statuses, key=lambda s: (s.status_date is None, s.status_date, s.id))


def relationships_of(session: Session, person_id: int) -> list[PersonRelationship]:
    """Every relationship where the person is on either side."""
    return list(session.exec(select(PersonRelationship).where(
        (PersonRelationship.person_id == person_id) | (PersonRelationship.related_person_id == person_id)
    ).order_by(PersonRelationship.id)).all())
