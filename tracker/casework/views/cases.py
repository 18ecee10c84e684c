"""Cases: the list, opening one, and the case page with its timeline and relationship diagram."""
from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlmodel import select

from ... import taxonomy
from ...db import get_session
from ...models import Case, CaseNote, Intervention, Person, PersonRelationship, RelativeStatus
from ...models.inputs import CaseCreate, InterventionCreate, MessageCreate
from ..cases import (
    add_intervention, add_note, attach_person, case_incidents, case_people, get_case, link_incident_to_case,
    open_case, record_outcome, update_case,
)
from ..diagram import Edge, Node, render_diagram
from ..errors import CaseworkError
from ..incidents import get_incident
from ..inputs import CaseUpdate, InterventionOutcome
from ..people import get_person
from ..queries import detention_statuses
from ..groups import MEMBER, people_in_case_by_group
from ..relatives import current_situation, history_order
from ..timeline import case_timeline
from ..need_to_know import case_clause
from . import audit_view, bp, caseworker_only, done, int_arg, refused, user_id
from .forms import read_form
from .inbox import case_follow_ups
from .reports import caseworkers

CASES_PER_PAGE = 50


@bp.get("/cases")
@caseworker_only
def cases():
    """Cases by newest first, filtered by status or "mine", paged by id (no OFFSET)."""
    statement = select(Case).order_by(Case.id.desc()).limit(CASES_PER_PAGE + 1)
    status = request.args.get("status", "")
    if taxonomy.is_code("case_status", status):
        statement = statement.where(Case.status == status)
    if request.args.get("mine"):
        statement = statement.where(Case.assigned_to_id == user_id())
    if (before := int_arg("before")) is not None:
        statement = statement.where(Case.id < before)
    if (need_to_know := case_clause()) is not None:
        statement = statement.outerjoin(Person, Person.id == Case.primary_person_id).where(need_to_know)
    rows = list(get_session().exec(statement).all())
    # References, statuses and priorities only: the list shows no personal data.
    return render_template("casework/cases.html", cases=rows[:CASES_PER_PAGE], status=status,
                           mine=bool(request.args.get("mine")),
                           next_before=rows[CASES_PER_PAGE - 1].id if len(rows) > CASES_PER_PAGE else None)


@bp.post("/cases")
@caseworker_only
def new_case():
    """Open a case, optionally with a first incident and its primary person."""
    session = get_session()
    incident_id = int_arg("incident_id")
    try:
        case = open_case(session, read_form(CaseCreate, request.form), user_id=user_id())
        if incident_id is not None:
            link_incident_to_case(session, case, get_incident(session, incident_id), user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        if incident_id is not None:
            return refused(error, "casework.incident", incident_id=incident_id)
        return refused(error, "casework.cases")
    return done(_("Case %(reference)s opened.", reference=case.reference), "casework.case", case_id=case.id)


def diagram_for(case_id: int):
    """The SVG relationship diagram of a case's people: family first, then each group framed with its members."""
    session = get_session()
    members = case_people(session, case_id)
    members.sort(key=lambda pair: (pair[1] != "primary", pair[0].id))
    ids = [person.id for person, _role in members]
    links = session.exec(select(PersonRelationship).where(
        PersonRelationship.person_id.in_(ids), PersonRelationship.related_person_id.in_(ids))).all()
    statuses = session.exec(select(RelativeStatus).where(RelativeStatus.person_id.in_(ids))).all()
    history: dict[int, list[RelativeStatus]] = {}
    for status in sorted(statuses, key=history_order):
        history.setdefault(status.person_id, []).append(status)
    group_of = people_in_case_by_group(session, case_id)
    people = {person.id: person for person, _role in members}
    detained = set(detention_statuses())
    nodes = []
    def cluster_of(person: Person) -> int:
        """The group a person is drawn in (the group itself too); 0 for the family block."""
        return group_of.get(person.id, person.id if person.is_group else 0)

    for person, _role in sorted(members, key=lambda pair: (cluster_of(pair[0]), not pair[0].is_group)):
        situation = current_situation(history.get(person.id, []))
        custody, contact = situation.get("custody"), situation.get("contact")
        group = people.get(cluster_of(person))
        nodes.append(Node(person.id, person.pseudonym,
                          taxonomy.label("relative_status", custody.status) if custody else None,
                          custody is not None and custody.status in detained,
                          cluster=_cluster_label(group) if group else "",
                          contact=taxonomy.label("relative_status", contact.status) if contact else None))
    edges = [Edge(link.person_id, link.related_person_id, taxonomy.label("relationship_type", link.relationship_type))
             for link in links if link.relationship_type != MEMBER]
    return render_diagram(nodes, edges, _("Relationships between the people of this case"),
                          lambda pid: url_for("casework.person", person_id=pid))


def _cluster_label(group: Person) -> str:
    """A group's frame heading: its pseudonym and, when known, its size."""
    if group.group_size:
        return f"{group.pseudonym} · {taxonomy.label('group_size_kind', group.group_size_kind or 'exact')} " \
               f"{group.group_size}"
    return group.pseudonym


@bp.get("/cases/<int:case_id>")
@caseworker_only
def case(case_id: int):
    """The case: people, incidents, timeline, diagram, notes and interventions."""
    session = get_session()
    found = get_case(session, case_id)
    audit_view("case", found.id)
    people = case_people(session, found.id)
    return render_template(
        "casework/case.html", case=found, people=people, incidents=case_incidents(session, found.id),
        timeline=case_timeline(session, found.id), diagram=diagram_for(found.id), caseworkers=caseworkers(),
        pseudonyms={person.id: person.pseudonym for person, _role in people},
        notes=session.exec(select(CaseNote).where(CaseNote.case_id == found.id).order_by(CaseNote.id)).all(),
        interventions=session.exec(select(Intervention).where(Intervention.case_id == found.id)
                                   .order_by(Intervention.id)).all(),
        follow_ups=case_follow_ups(found.id),
    )


@bp.get("/cases/<int:case_id>/diagram.svg")
@caseworker_only
def case_diagram(case_id: int):
    """The relationship diagram alone, as an SVG file (to print or attach to a referral)."""
    found = get_case(get_session(), case_id)
    audit_view("case", found.id)
    return Response(str(diagram_for(found.id)), mimetype="image/svg+xml")


@bp.post("/cases/<int:case_id>")
@caseworker_only
def edit_case(case_id: int):
    """Assign the case and set its status, priority and risk."""
    session = get_session()
    try:
        update_case(session, get_case(session, case_id), read_form(CaseUpdate, request.form), user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.case", case_id=case_id)
    return done(_("Case saved."), "casework.case", case_id=case_id)


@bp.post("/cases/<int:case_id>/notes")
@caseworker_only
def note(case_id: int):
    """Keep a note on the case."""
    session = get_session()
    try:
        add_note(session, get_case(session, case_id), read_form(MessageCreate, request.form).body, user_id=user_id())
    except ValidationError as error:
        return refused(error, "casework.case", case_id=case_id)
    return done(_("Note saved."), "casework.case", case_id=case_id)


@bp.post("/cases/<int:case_id>/interventions")
@caseworker_only
def intervention(case_id: int):
    """Record what the organisation did and how it went."""
    session = get_session()
    try:
        add_intervention(session, get_case(session, case_id), read_form(InterventionCreate, request.form),
                         user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.case", case_id=case_id)
    return done(_("Intervention recorded."), "casework.case", case_id=case_id)


@bp.post("/cases/<int:case_id>/interventions/<int:intervention_id>")
@caseworker_only
def intervention_outcome(case_id: int, intervention_id: int):
    """Record how an intervention went, e.g. the reply to a referral dossier."""
    session = get_session()
    try:
        record_outcome(session, get_case(session, case_id), intervention_id,
                       read_form(InterventionOutcome, request.form), user_id=user_id())
    except ValidationError as error:
        return refused(error, "casework.case", case_id=case_id)
    return done(_("Outcome recorded."), "casework.case", case_id=case_id)


@bp.post("/cases/<int:case_id>/incidents")
@caseworker_only
def case_incident(case_id: int):
    """Add an incident (by number) to the case."""
    session = get_session()
    try:
        link_incident_to_case(session, get_case(session, case_id), get_incident(session, int_arg("incident_id") or 0),
                              user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.case", case_id=case_id)
    return done(_("Incident added."), "casework.case", case_id=case_id)


@bp.post("/cases/<int:case_id>/people")
@caseworker_only
def case_person(case_id: int):
    """Attach a person (by number) to the case, with their role in it."""
    session = get_session()
    role = request.form.get("role", "").strip()[:40] or None
    try:
        attach_person(session, get_case(session, case_id), get_person(session, int_arg("person_id") or 0), role,
                      user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.case", case_id=case_id)
    return done(_("Person attached."), "casework.case", case_id=case_id)
