"""Deduplication: suggesting likely duplicate people and incidents, and reversible merges of both.

Suggestions for people start from shared blind-index digests (names across scripts and
readings meet there, see ``tracker.names``), keep only people whose names match by the rule of
``tracker.names.compare`` (the whole name, or every part of the shorter one: a shared family
name alone is not enough) and add birth year, place and community. A merge
moves the dropped person's involvements, relationships, statuses and cases to the kept person
and marks the dropped one ``merged_into``; nothing is deleted. The ids of every moved row are
written to the audit event (ids only, no personal data), which is what ``unmerge_people`` reads
to put each row back. Incidents merge the same way: sources, involvements and statuses move to
the kept incident, and the merged one stays, marked, out of counts and suggestions.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from ..analytics.upkeep import counted_across
from ..audit import record
from ..models import AuditEvent, Case, CasePerson, Incident, IncidentReport, Involvement, Person, PersonNameToken
from ..models import PersonRelationship, RelativeStatus
from .errors import Conflict, InvalidTransition
from .names import candidate_digests, names_match

CANDIDATES = 50
INCIDENT_WINDOW = timedelta(days=31)


@dataclass
class Suggestion:
    """A likely duplicate with a score (higher is likelier) and the reasons for it."""

    object_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


def suggest_duplicate_people(session: Session, person: Person, *, limit: int = 10) -> list[Suggestion]:
    """People whose names match this one's (see ``tracker.names.compare``), scored with birth year,
    place and community; people who share only some name words (a family name) are not suggested.

    Candidates come from shared whole-name and pair digests; their sealed names are then opened to
    compare (this runs in a staff request, like the person page that shows the suggestions).
    """
    # Whole-name and pair keys only: a family name alone is held by too many people to walk.
    wanted = candidate_digests(person)
    if not wanted:
        return []
    shared = session.exec(
        select(PersonNameToken.person_id, func.count()).where(
            PersonNameToken.digest.in_(wanted), PersonNameToken.person_id != person.id)
        .group_by(PersonNameToken.person_id).order_by(func.count().desc()).limit(CANDIDATES)
    ).all()
    suggestions = []
    for other_id, _ in shared:
        other = session.get(Person, other_id)
        if other is None or other.merged_into_id is not None:
            continue
        match = names_match(person, other)
        if match is None:
            continue
        suggestion = Suggestion(other_id, match.strength, ["names", match.kind, f"reading_{match.family}"])
        for reason, weight, same in (
                ("birth_year", 0.5, bool(person.birth_year and other.birth_year
                                         and abs(person.birth_year - other.birth_year) <= 1)),
                ("residence_country", 0.25, bool(person.residence_country
                                                 and person.residence_country == other.residence_country)),
                ("community", 0.1, bool(person.community and person.community == other.community))):
            if same:
                suggestion.score += weight
                suggestion.reasons.append(reason)
        suggestions.append(suggestion)
    return sorted(suggestions, key=lambda s: (-s.score, s.object_id))[:limit]


def suggest_duplicate_incidents(session: Session, incident: Incident, *, limit: int = 10) -> list[Suggestion]:
    """Incidents within a month of this one that share a person, or its place, state and tactic.

    Both kinds of candidate are found through indexes (a person's involvements; the incidents at
    this location, migration 0018), at most CANDIDATES of each, so the incident page costs the
    same however many incidents of the same state fall in the month. (It used to read 200 of
    those and keep the ones at this place: at scale a duplicate at this place could be cut.)
    """
    if incident.start_date is None:
        return []
    low, high = incident.start_date - INCIDENT_WINDOW, incident.start_date + INCIDENT_WINDOW
    current = (Incident.id != incident.id, Incident.start_date.between(low, high), Incident.merged_into_id.is_(None))
    people = select(Involvement.person_id).where(Involvement.incident_id == incident.id)
    by_person = set(session.exec(select(Involvement.incident_id).join(Incident, Incident.id == Involvement.incident_id)
                                 .where(Involvement.person_id.in_(people), *current)
                                 .distinct().limit(CANDIDATES)).all())
    at_place = set()
    if incident.location_id is not None:
        at_place = set(session.exec(select(Incident.id).where(
            Incident.location_id == incident.location_id, Incident.origin_country == incident.origin_country,
            *current).limit(CANDIDATES)).all())
    scores: dict[int, Suggestion] = {iid: Suggestion(iid, 1.0, ["same_people"]) for iid in by_person}
    if not by_person | at_place:
        return []
    others = session.exec(select(Incident.id, Incident.origin_country, Incident.location_id, Incident.primary_tactic,
                                 Incident.host_country).where(Incident.id.in_(by_person | at_place))).all()
    for other in others:
        if other.origin_country != incident.origin_country:
            continue  # the same people in another state's incident: suggested, with no more reasons
        reasons = [name for name, same in (("same_place", other.id in at_place),
                                           ("same_tactic", other.primary_tactic == incident.primary_tactic),
                                           ("same_host", other.host_country == incident.host_country)) if same]
        suggestion = scores.setdefault(other.id, Suggestion(other.id, 0.0))
        suggestion.score += 0.25 * len(reasons)
        suggestion.reasons += reasons
    return sorted(scores.values(), key=lambda s: (-s.score, s.object_id))[:limit]


def merge_people(session: Session, keep: Person, drop: Person, *, user_id: int | None) -> dict[str, list]:
    """Merge ``drop`` into ``keep``: move what can move, keep everything, audit the row ids moved."""
    if keep.id == drop.id:
        raise Conflict("a person cannot be merged into themselves")
    if keep.merged_into_id is not None or drop.merged_into_id is not None:
        raise InvalidTransition("one of these people was already merged")
    with counted_across(session, (keep, drop)):  # the moves are bulk UPDATEs: no flush reports them
        moved = {
            "involvements": _move_involvements(session, keep.id, drop.id),
            "relationships_from": _move_relationships(session, keep.id, drop.id, PersonRelationship.person_id),
            "relationships_to": _move_relationships(session, keep.id, drop.id, PersonRelationship.related_person_id),
            "statuses": _move_ids(session, RelativeStatus, RelativeStatus.person_id, drop.id, keep.id),
            "primary_cases": _move_ids(session, Case, Case.primary_person_id, drop.id, keep.id),
            "cases": _move_case_people(session, keep.id, drop.id),
        }
        drop.merged_into_id = keep.id
        session.add(drop)
        session.flush()
    record(session, "person.merge", user_id=user_id, object_type="person", object_id=drop.id,
           detail={"into": keep.id, **moved})
    return moved


def _move_ids(session: Session, model, column, old: int, new: int) -> list[int]:
    """Point every row of ``model`` whose ``column`` is ``old`` at ``new``; return their ids."""
    ids = list(session.exec(select(model.id).where(column == old)).all())
    if ids:
        session.execute(update(model).where(model.id.in_(ids)).values({column.key: new}))
    return ids


def _move_involvements(session: Session, keep_id: int, drop_id: int) -> list[int]:
    """Move involvements unless the kept person already has that role in that incident."""
    taken = {(i.incident_id, i.role) for i in session.exec(select(Involvement).where(Involvement.person_id == keep_id))}
    movable = [i.id for i in session.exec(select(Involvement).where(Involvement.person_id == drop_id))
               if (i.incident_id, i.role) not in taken]
    if movable:
        session.execute(update(Involvement).where(Involvement.id.in_(movable)).values(person_id=keep_id))
    return movable


def _move_relationships(session: Session, keep_id: int, drop_id: int, side) -> list[int]:
    """Move one side of relationships, except ones that would duplicate or link keep to itself."""
    link = PersonRelationship
    other = link.related_person_id if side is link.person_id else link.person_id
    existing = set(session.exec(select(other, link.relationship_type).where(side == keep_id)).all())
    movable = [link_id for link_id, o, t in session.exec(
        select(link.id, other, link.relationship_type).where(side == drop_id))
        if o != keep_id and (o, t) not in existing]
    if movable:
        session.execute(update(link).where(link.id.in_(movable)).values({side.key: keep_id}))
    return movable


def _move_case_people(session: Session, keep_id: int, drop_id: int) -> list[int]:
    """Attach the kept person to the dropped one's cases; return the case ids that moved."""
    kept_cases = set(session.exec(select(CasePerson.case_id).where(CasePerson.person_id == keep_id)))
    movable = [c for c in session.exec(select(CasePerson.case_id).where(CasePerson.person_id == drop_id))
               if c not in kept_cases]
    if movable:
        session.execute(update(CasePerson).where(CasePerson.person_id == drop_id, CasePerson.case_id.in_(movable))
                        .values(person_id=keep_id))
    return movable


def unmerge_people(session: Session, drop: Person, *, user_id: int | None) -> None:
    """Undo the last merge of ``drop``: put back every row its audit event says was moved."""
    if drop.merged_into_id is None:
        raise InvalidTransition("this person is not merged")
    event, moved = _last_merge(session, "person", drop.id)
    keep_id = moved["into"]
    with counted_across(session, (drop, session.get(Person, keep_id))):
        _restore(session, Involvement, Involvement.person_id, moved["involvements"], drop.id)
        _restore(session, PersonRelationship, PersonRelationship.person_id, moved["relationships_from"], drop.id)
        _restore(session, PersonRelationship, PersonRelationship.related_person_id, moved["relationships_to"], drop.id)
        _restore(session, RelativeStatus, RelativeStatus.person_id, moved["statuses"], drop.id)
        _restore(session, Case, Case.primary_person_id, moved["primary_cases"], drop.id)
        if moved["cases"]:
            session.execute(update(CasePerson).where(CasePerson.person_id == keep_id,
                                                     CasePerson.case_id.in_(moved["cases"])).values(person_id=drop.id))
        drop.merged_into_id = None
        session.add(drop)
        session.flush()
    record(session, "person.unmerge", user_id=user_id, object_type="person", object_id=drop.id,
           detail={"from": keep_id, "merge_event_id": event.id})


def _last_merge(session: Session, object_type: str, drop_id: int) -> tuple[AuditEvent, dict]:
    """The latest merge event of this person or incident and the ids it says were moved."""
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == f"{object_type}.merge", AuditEvent.object_type == object_type,
        AuditEvent.object_id == str(drop_id)).order_by(AuditEvent.id.desc())).first()
    if event is None or event.detail is None:
        raise Conflict("no record of this merge was found")
    return event, json.loads(event.detail)


def _restore(session: Session, model, column, ids: list[int], person_id: int) -> None:
    """Point these rows back at the person they came from."""
    if ids:
        session.execute(update(model).where(model.id.in_(ids)).values({column.key: person_id}))


def merge_incidents(session: Session, keep: Incident, drop: Incident, *, user_id: int | None) -> dict[str, list]:
    """Merge ``drop`` into ``keep``: its sources, people and statuses move; the row stays, marked."""
    if keep.id == drop.id:
        raise Conflict("an incident cannot be merged into itself")
    if keep.merged_into_id is not None or drop.merged_into_id is not None:
        raise InvalidTransition("one of these incidents was already merged")
    cited = set(session.exec(select(IncidentReport.report_id).where(IncidentReport.incident_id == keep.id)))
    sources = [r for r in session.exec(select(IncidentReport.report_id).where(IncidentReport.incident_id == drop.id))
               if r not in cited]
    with counted_across(session, (keep, drop)):  # the moves are bulk UPDATEs: no flush reports them
        for report_id in sources:  # the kept incident cites the dropped one's reports too
            session.add(IncidentReport(incident_id=keep.id, report_id=report_id))
        kept = session.exec(select(Involvement).where(Involvement.incident_id == keep.id))
        taken = {(i.person_id, i.role) for i in kept}
        involvements = [i.id for i in session.exec(select(Involvement).where(Involvement.incident_id == drop.id))
                        if (i.person_id, i.role) not in taken]
        if involvements:
            session.execute(update(Involvement).where(Involvement.id.in_(involvements)).values(incident_id=keep.id))
        moved = {"into": keep.id, "sources": sources, "involvements": involvements,
                 "statuses": _move_ids(session, RelativeStatus, RelativeStatus.incident_id, drop.id, keep.id)}
        drop.merged_into_id = keep.id
        session.add(drop)
        session.flush()
    record(session, "incident.merge", user_id=user_id, object_type="incident", object_id=drop.id, detail=moved)
    return moved


def unmerge_incidents(session: Session, drop: Incident, *, user_id: int | None) -> None:
    """Undo the last merge of ``drop``: take back the sources, people and statuses it gave."""
    if drop.merged_into_id is None:
        raise InvalidTransition("this incident is not merged")
    event, moved = _last_merge(session, "incident", drop.id)
    with counted_across(session, (drop, session.get(Incident, moved["into"]))):
        if moved["sources"]:
            session.execute(delete(IncidentReport).where(IncidentReport.incident_id == moved["into"],
                                                         IncidentReport.report_id.in_(moved["sources"])))
        _restore(session, Involvement, Involvement.incident_id, moved["involvements"], drop.id)
        _restore(session, RelativeStatus, RelativeStatus.incident_id, moved["statuses"], drop.id)
        drop.merged_into_id = None
        session.add(drop)
        session.flush()
    record(session, "incident.unmerge", user_id=user_id, object_type="incident", object_id=drop.id,
           detail={"from": moved["into"], "merge_event_id": event.id})
