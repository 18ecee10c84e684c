"""Relationships between people, and the dated series of what happened to each relative."""
from __future__ import annotations

from sqlmodel import Session, select

from .. import taxonomy
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
    """A person's statuses, oldest first; undated ones last, in the order they were recorded."""
    statuses = session.exec(select(RelativeStatus).where(RelativeStatus.person_id == person_id)
                            .order_by(RelativeStatus.id)).all()
    return sorted(statuses, key=history_order)


def history_order(status: RelativeStatus) -> tuple:
    """Sort key: dated before undated, then by date, then as recorded."""
    return (status.status_date is None, status.status_date.toordinal() if status.status_date else 0, status.id or 0)


def current_situation(history: list[RelativeStatus]) -> dict[str, RelativeStatus]:
    """The latest status on each track ("custody", "contact") of a history in ``history_order``.

    The tracks hold at once: "imprisoned" stays the custody status when "no proof of life
    since 2020" is recorded later on the contact track (issue 12 item 2).
    """
    latest: dict[str, RelativeStatus] = {}
    for status in history:
        latest[taxonomy.status_track(status.status)] = status
    return latest


def relationships_of(session: Session, person_id: int) -> list[PersonRelationship]:
    """Every relationship where the person is on either side."""
    return list(session.exec(select(PersonRelationship).where(
        (PersonRelationship.person_id == person_id) | (PersonRelationship.related_person_id == person_id)
    ).order_by(PersonRelationship.id)).all())
