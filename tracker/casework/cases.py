"""Cases: opening them, attaching incidents and people, notes, interventions and status."""
from __future__ import annotations

from sqlmodel import Session, select

from ..audit import record
from ..models import Case, CaseNote, CasePerson, Incident, Intervention, Person, User, utcnow
from ..models.inputs import CaseCreate, InterventionCreate
from .errors import Conflict, NotFound, get_or_not_found
from .inputs import CaseUpdate, InterventionOutcome
from .people import get_person

REFERENCE_PREFIX = "TNR"
REFERENCE_DIGITS = 5


def get_case(session: Session, case_id: int) -> Case:
    """The case with this id; NotFound if there is none."""
    return get_or_not_found(session, Case, case_id, "case")


def case_by_reference(session: Session, reference: str) -> Case | None:
    """The case with this reference (e.g. TNR-2026-00042), case-insensitively, or None."""
    return session.exec(select(Case).where(Case.reference == reference.strip().upper())).first()


def next_reference(session: Session, year: int) -> str:
    """The next free reference of the year, found through the unique index on references."""
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    last = session.exec(select(Case.reference).where(
        Case.reference >= prefix, Case.reference < prefix[:-1] + "."
    ).order_by(Case.reference.desc()).limit(1)).first()
    number = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{number:0{REFERENCE_DIGITS}d}"


def _check_assignee(session: Session, user_id: int | None) -> None:
    """Cases go only to active caseworkers (least privilege: DESIGN §2)."""
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not user.active or user.role != "caseworker":
        raise Conflict("cases can be assigned only to an active caseworker")


def open_case(session: Session, data: CaseCreate, *, user_id: int | None) -> Case:
    """Open a case with the next reference; its primary person is attached to it."""
    _check_assignee(session, data.assigned_to_id)
    case = Case.model_validate(data, update={"reference": next_reference(session, utcnow().year)})
    session.add(case)
    session.flush()
    if data.primary_person_id is not None:
        attach_person(session, case, get_person(session, data.primary_person_id), "primary", user_id=user_id)
    record(session, "case.create", user_id=user_id, object_type="case", object_id=case.id)
    return case


def update_case(session: Session, case: Case, update: CaseUpdate, *, user_id: int | None) -> Case:
    """Assign a case and set its status, priority and risk; closing it stamps the date."""
    _check_assignee(session, update.assigned_to_id)
    for name, value in update.model_dump().items():
        setattr(case, name, value)
    case.closed_at = (case.closed_at or utcnow()) if case.status == "closed" else None
    case.updated_at = utcnow()
    session.add(case)
    session.flush()
    record(session, "case.update", user_id=user_id, object_type="case", object_id=case.id,
           detail=update.model_dump(mode="json"))
    return case


def link_incident_to_case(session: Session, case: Case, incident: Incident, *, user_id: int | None) -> None:
    """Put an incident in a case (an incident belongs to at most one case)."""
    if incident.case_id not in (None, case.id):
        raise Conflict("the incident already belongs to another case")
    incident.case_id = case.id
    session.add(incident)
    case.updated_at = utcnow()
    session.flush()
    record(session, "case.link_incident", user_id=user_id, object_type="case", object_id=case.id,
           detail={"incident_id": incident.id})


def attach_person(session: Session, case: Case, person: Person, role: str | None, *, user_id: int | None) -> None:
    """Attach a person to a case (again attaching only updates the role)."""
    link = session.get(CasePerson, (case.id, person.id))
    if link is None:
        link = CasePerson(case_id=case.id, person_id=person.id)
    link.role = role
    session.add(link)
    session.flush()
    record(session, "case.attach_person", user_id=user_id, object_type="case", object_id=case.id,
           detail={"person_id": person.id})


def detach_person(session: Session, case: Case, person: Person, *, user_id: int | None) -> None:
    """Take a person off a case (their record and relationships stay); NotFound if not on it."""
    link = session.get(CasePerson, (case.id, person.id))
    if link is None:
        raise NotFound(f"person {person.id} in case {case.id}")
    session.delete(link)
    session.flush()
    record(session, "case.detach_person", user_id=user_id, object_type="case", object_id=case.id,
           detail={"person_id": person.id})


def add_note(session: Session, case: Case, body: str, *, user_id: int | None) -> CaseNote:
    """Keep a caseworker's note on a case (sealed at rest)."""
    note = CaseNote(case_id=case.id, author_id=user_id, body=body)
    session.add(note)
    session.flush()
    record(session, "case.note", user_id=user_id, object_type="case", object_id=case.id,
           detail={"note_id": note.id})
    return note


def add_intervention(session: Session, case: Case, data: InterventionCreate, *, user_id: int | None) -> Intervention:
    """Record what the organisation did on a case and how it went."""
    intervention = Intervention.model_validate(data, update={"case_id": case.id, "created_by_id": user_id})
    session.add(intervention)
    session.flush()
    record(session, "case.intervention", user_id=user_id, object_type="case", object_id=case.id,
           detail={"intervention_id": intervention.id, "type": intervention.intervention_type})
    return intervention


def record_outcome(session: Session, case: Case, intervention_id: int, data: InterventionOutcome, *,
                   user_id: int | None) -> Intervention:
    """Record how an intervention went (the reply of a UN mechanism, the police's decision)."""
    intervention = session.get(Intervention, intervention_id)
    if intervention is None or intervention.case_id != case.id:
        raise NotFound(f"intervention {intervention_id}")
    intervention.outcome, intervention.outcome_note = data.outcome, data.outcome_note
    session.add(intervention)
    session.flush()
    record(session, "case.intervention_outcome", user_id=user_id, object_type="case", object_id=case.id,
           detail={"intervention_id": intervention.id, "outcome": data.outcome})
    return intervention


def case_incidents(session: Session, case_id: int) -> list[Incident]:
    """A case's incidents, oldest first, through the index on incident.case_id."""
    return list(session.exec(select(Incident).where(Incident.case_id == case_id)
                             .order_by(Incident.start_date, Incident.id)).all())


def case_people(session: Session, case_id: int) -> list[tuple[Person, str | None]]:
    """A case's people with their role in it."""
    rows = session.exec(select(Person, CasePerson.role).join(CasePerson, CasePerson.person_id == Person.id)
                        .where(CasePerson.case_id == case_id).order_by(Person.id)).all()
    return [(person, role) for person, role in rows]


def case_incident_ids(session: Session, case_id: int) -> list[int]:
    """Ids of a case's incidents."""
    return list(session.exec(select(Incident.id).where(Incident.case_id == case_id)).all())

