"""From a reporter's words to a family's record (issue 12 item 1).

Accepting a report proposes the people it describes: the target, and each relative the reporter
told about, with the relationship and the dated statuses as told. Each is a new person unless the
caseworker links an existing one, so accepting the proposal as it stands imports everything and
nothing is retyped. The relative's row in the report remembers the person it became, so a later
addition from the reporter about the same relative becomes a proposed update on that person.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from ..models import Case, Incident, Person, PersonRelationship, Report, ReportedRelative
from ..models.inputs import CaseCreate, IncidentCreate, PersonCreate, RelationshipCreate, RelativeStatusCreate
from .cases import attach_person, link_incident_to_case, open_case
from .errors import Conflict
from .inputs import FamilyImport, PersonChoice, ProposedStatus, RelativeProposal
from .people import create_person, find_people, get_person, involve_person
from .relatives import add_relationship, record_relative_status, status_history
from .triage import accept_report_as_incidents


def reported_statuses(relative: ReportedRelative) -> list[ProposedStatus]:
    """The statuses a reporter gave for a relative, as data models (dates and sentences kept)."""
    return [ProposedStatus(status=s["status"], status_date=_stored_date(s.get("date")),
                           date_precision=s.get("precision") or "unknown", sentence_months=s.get("sentence_months"))
            for s in relative.statuses]


def _stored_date(text: str | None) -> date | None:
    """An ISO date as intake stores it; anything else (an imported oddity) is left for the caseworker."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def proposal_of(relative: ReportedRelative, community: str | None) -> RelativeProposal:
    """A reported relative proposed as a new person related to the target."""
    return RelativeProposal(
        reported_relative_id=relative.id, relationship_type=relative.relationship_type,
        person=PersonCreate(community=community, residence_country=relative.residence_country,
                            residence_place=relative.residence_place),
        statuses=reported_statuses(relative), in_retaliation=relative.in_retaliation)


def proposed_family(session: Session, report: Report) -> FamilyImport:
    """What accepting the report would import, before the caseworker edits anything."""
    target_names = [{"name": report.reporter_name}] if report.reporter_name and report.submitter_role == "self" else []
    target = PersonChoice(person=PersonCreate(names=target_names, community=report.community,
                                              residence_country=report.host_country))
    reporter = None
    if report.submitter_role != "self" and report.reporter_name:
        reporter = PersonChoice(person=PersonCreate(names=[{"name": report.reporter_name}],
                                                    community=report.community))
    relatives = session.exec(select(ReportedRelative).where(ReportedRelative.report_id == report.id)
                             .order_by(ReportedRelative.id)).all()
    return FamilyImport(target=target, reporter=reporter,
                        relatives=[proposal_of(relative, report.community) for relative in relatives])


def duplicate_candidates(session: Session, names: list[str], anchor_id: int | None = None,
                         relationship_type: str | None = None) -> list[Person]:
    """People a proposal may already be: the same names in any script (blind index), or the anchor's
    recorded relative of the same type (a reporter rarely gives a relative's name)."""
    found: dict[int, Person] = {}
    for name in names:
        for person in find_people(session, name, limit=5):
            found.setdefault(person.id, person)
    if anchor_id is not None and relationship_type is not None:
        for link in session.exec(select(PersonRelationship).where(
                PersonRelationship.person_id == anchor_id,
                PersonRelationship.relationship_type == relationship_type).limit(10)).all():
            found.setdefault(link.related_person_id, get_person(session, link.related_person_id))
    return list(found.values())[:10]


def _person(session: Session, choice: PersonChoice, *, user_id: int | None) -> Person:
    """The linked person, or a new one from the proposal."""
    if choice.existing_id is not None:
        return get_person(session, choice.existing_id)
    return create_person(session, choice.person, user_id=user_id)


@dataclass
class ImportedFamily:
    """What an import made: the case (if opened), the target, the reporter and the relatives."""

    case: Case | None
    target: Person
    reporter: Person | None
    relatives: list[Person]


def import_family(session: Session, report: Report, incident: Incident, plan: FamilyImport, *,
                  user_id: int | None) -> ImportedFamily:
    """Record the target, the reporter and each relative with relationships and statuses, linked to the incident."""
    target = _person(session, plan.target, user_id=user_id)
    involve_person(session, incident.id, target, "target", user_id=user_id)
    reporter = _person(session, plan.reporter, user_id=user_id) if plan.reporter else None
    case = None
    if plan.open_case:
        case = open_case(session, CaseCreate(primary_person_id=target.id), user_id=user_id)
        link_incident_to_case(session, case, incident, user_id=user_id)
        if reporter is not None and reporter.id != target.id:
            attach_person(session, case, reporter, "reporter", user_id=user_id)
    relatives = []
    for proposal in plan.relatives:
        if proposal.skip:
            continue
        anchor = reporter if proposal.related_to == "reporter" and reporter is not None else target
        relative = import_relative(session, proposal, anchor, incident, source=f"report {report.id}",
                                   user_id=user_id)
        if case is not None:
            attach_person(session, case, relative, "relative", user_id=user_id)
        relatives.append(relative)
    return ImportedFamily(case, target, reporter, relatives)


def import_relative(session: Session, proposal: RelativeProposal, anchor: Person, incident: Incident, *,
                    source: str, user_id: int | None) -> Person:
    """One relative: the person, the relationship to the anchor, the involvement and the statuses."""
    relative = _person(session, proposal, user_id=user_id)
    if relative.id == anchor.id:
        raise Conflict("a relative cannot be the person they are related to")
    link = session.exec(select(PersonRelationship).where(
        PersonRelationship.person_id == anchor.id, PersonRelationship.related_person_id == relative.id,
        PersonRelationship.relationship_type == proposal.relationship_type)).first()
    if link is None:
        link = add_relationship(session, RelationshipCreate(
            person_id=anchor.id, related_person_id=relative.id, relationship_type=proposal.relationship_type),
            user_id=user_id)
    involve_person(session, incident.id, relative, "relative_targeted", user_id=user_id)
    record_statuses(session, relative, link, incident, proposal, source=source, user_id=user_id)
    if proposal.reported_relative_id is not None:
        reported = session.get(ReportedRelative, proposal.reported_relative_id)
        if reported is not None:
            reported.person_id = relative.id
            session.add(reported)
    return relative


def record_statuses(session: Session, relative: Person, link: PersonRelationship | None, incident: Incident | None,
                    proposal: RelativeProposal, *, source: str, user_id: int | None) -> None:
    """Each proposed status as a dated entry of the relative's history, with retaliation and incident."""
    for status in proposal.statuses:
        record_relative_status(session, RelativeStatusCreate(
            **status.model_dump(), person_id=relative.id, relationship_id=link.id if link else None,
            in_retaliation=proposal.in_retaliation, retaliation_reason=proposal.retaliation_reason,
            incident_id=incident.id if incident else None, source=source), user_id=user_id)


def accept_with_family(session: Session, report: Report, draft: IncidentCreate, plan: FamilyImport, *,
                       user_id: int | None,
                       perpetrator_types: list[str] | None = None) -> tuple[Incident, ImportedFamily]:
    """Accept a report as one incident and import the people it describes, in one transaction."""
    [incident] = accept_report_as_incidents(session, report, [draft], user_id=user_id,
                                            perpetrator_types=perpetrator_types)
    return incident, import_family(session, report, incident, plan, user_id=user_id)


@dataclass
class ProposedUpdate:
    """New facts from a reporter's later addition about a relative already recorded as ``person``."""

    reported: ReportedRelative
    person: Person
    proposal: RelativeProposal


def proposed_updates(session: Session, report: Report) -> list[ProposedUpdate]:
    """Relatives in the report's later additions that match an imported relative, with only the new statuses.

    A relative of an addition matches the first imported relative of the original report with the
    same relationship; statuses already in that person's history (same code and date) are left out.
    """
    imported = session.exec(select(ReportedRelative).where(
        ReportedRelative.report_id == report.id, ReportedRelative.person_id.is_not(None))
        .order_by(ReportedRelative.id)).all()
    by_type = {}
    for row in imported:
        by_type.setdefault(row.relationship_type, row.person_id)
    additions = session.exec(select(ReportedRelative).join(Report, Report.id == ReportedRelative.report_id).where(
        Report.follow_up_of_id == report.id, ReportedRelative.person_id.is_(None))
        .order_by(ReportedRelative.id)).all()
    updates = []
    for row in additions:
        person_id = by_type.get(row.relationship_type)
        if person_id is None:
            continue
        known = {(s.status, s.status_date) for s in status_history(session, person_id)}
        statuses = [s for s in reported_statuses(row) if (s.status, s.status_date) not in known]
        proposal = RelativeProposal(reported_relative_id=row.id, existing_id=person_id,
                                    relationship_type=row.relationship_type, statuses=statuses,
                                    in_retaliation=row.in_retaliation)
        updates.append(ProposedUpdate(row, get_person(session, person_id), proposal))
    return updates


def apply_update(session: Session, update: ProposedUpdate, incident_id: int | None, *, user_id: int | None) -> None:
    """Add the addition's new statuses to the person's history and mark the addition's relative as theirs."""
    link = session.exec(select(PersonRelationship).where(
        PersonRelationship.related_person_id == update.person.id,
        PersonRelationship.relationship_type == update.reported.relationship_type)).first()
    incident = session.get(Incident, incident_id) if incident_id is not None else None
    record_statuses(session, update.person, link, incident, update.proposal,
                    source=f"report {update.reported.report_id}", user_id=user_id)
    update.reported.person_id = update.person.id
    session.add(update.reported)
    session.flush()
