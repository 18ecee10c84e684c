"""People: search and creation, a person's page, relationships, statuses and merges."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _, ngettext
from pydantic import ValidationError
from sqlmodel import select

from ...audit import record
from ...db import get_session
from ...models import Case, CasePerson, Incident, Involvement, Person
from ...models.inputs import PersonCreate, RelationshipCreate, RelativeStatusCreate
from ..dedup import merge_people, suggest_duplicate_people, unmerge_people
from ..errors import CaseworkError
from ..people import create_person, find_people, get_person, update_person
from ..groups import add_named_members, group_members, names_from_lines
from ..relatives import add_relationship, current_situation, record_relative_status, relationships_of, status_history
from . import audit_view, bp, caseworker_only, done, int_arg, refused, user_id
from .forms import read_form, read_names


@bp.get("/people")
@caseworker_only
def people():
    """Find people by name in any script (blind index), or record a new one."""
    session = get_session()
    query = request.args.get("q", "").strip()[:200]
    found = find_people(session, query) if query else []
    if query:
        record(session, "person.search", user_id=user_id(), object_type="person",
               detail={"results": len(found)})
        session.commit()
    return render_template("casework/people.html", query=query, people=found)


@bp.post("/people")
@caseworker_only
def new_person():
    """Record a person; their names are sealed and indexed for search."""
    session = get_session()
    try:
        person = create_person(session, read_form(PersonCreate, request.form, names=read_names(request.form)),
                               user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.people")
    return done(_("Person recorded."), "casework.person", person_id=person.id)


def person_context(person: Person) -> dict:
    """What the person page shows besides the person: links, history, incidents, cases, duplicates."""
    session = get_session()
    relationships = relationships_of(session, person.id)
    others = {pid for link in relationships for pid in (link.person_id, link.related_person_id)} - {person.id}
    incidents = session.exec(select(Involvement, Incident).join(Incident, Incident.id == Involvement.incident_id)
                             .where(Involvement.person_id == person.id).order_by(Incident.start_date)).all()
    cases = session.exec(select(Case).join(CasePerson, CasePerson.case_id == Case.id)
                         .where(CasePerson.person_id == person.id).order_by(Case.id)).all()
    statuses = status_history(session, person.id)
    return dict(
        relationships=relationships, statuses=statuses, situation=current_situation(statuses),
        members=group_members(session, person.id) if person.is_group else [],
        pseudonyms={p.id: p.pseudonym for p in session.exec(select(Person).where(Person.id.in_(others)))},
        incidents=incidents, cases=cases,
        duplicates=[(s, get_person(session, s.object_id)) for s in suggest_duplicate_people(session, person)],
        merged_here=session.exec(select(Person).where(Person.merged_into_id == person.id)).all(),
    )


@bp.get("/people/<int:person_id>")
@caseworker_only
def person(person_id: int):
    """A person's names, relationships, dated statuses, incidents, cases and likely duplicates."""
    found = get_person(get_session(), person_id)
    audit_view("person", found.id)
    return render_template("casework/person.html", person=found, **person_context(found))


@bp.post("/people/<int:person_id>")
@caseworker_only
def edit_person(person_id: int):
    """Save a person's details and names."""
    session = get_session()
    found = get_person(session, person_id)
    try:
        update_person(session, found, read_form(PersonCreate, request.form, names=read_names(request.form)),
                      user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.person", person_id=person_id)
    return done(_("Person saved."), "casework.person", person_id=person_id)


@bp.post("/people/<int:person_id>/relationships")
@caseworker_only
def relate(person_id: int):
    """Record that another person is, e.g., this person's parent."""
    session = get_session()
    try:
        data = read_form(RelationshipCreate, request.form, person_id=person_id)
        add_relationship(session, data, user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.person", person_id=person_id)
    return done(_("Relationship recorded."), "casework.person", person_id=person_id)


@bp.post("/people/<int:person_id>/statuses")
@caseworker_only
def add_status(person_id: int):
    """Add a dated status (detained, sentenced, released...) to the person's history."""
    session = get_session()
    try:
        data = read_form(RelativeStatusCreate, request.form, person_id=person_id)
        record_relative_status(session, data, user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.person", person_id=person_id)
    return done(_("Status recorded."), "casework.person", person_id=person_id)


@bp.post("/people/<int:person_id>/merge")
@caseworker_only
def merge(person_id: int):
    """Merge the person ``drop_id`` into this one (reversible)."""
    session = get_session()
    keep = get_person(session, person_id)
    try:
        drop = get_person(session, int_arg("drop_id") or 0)
        merge_people(session, keep, drop, user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.person", person_id=person_id)
    return done(_("People merged; the merge can be undone from the merged person's page."),
                "casework.person", person_id=person_id)


@bp.post("/people/<int:person_id>/unmerge")
@caseworker_only
def unmerge(person_id: int):
    """Undo the merge of this person into another."""
    session = get_session()
    try:
        unmerge_people(session, get_person(session, person_id), user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.person", person_id=person_id)
    return done(_("Merge undone."), "casework.person", person_id=person_id)


@bp.post("/people/<int:person_id>/members")
@caseworker_only
def add_members(person_id: int):
    """Name a group's members in bulk: one name per line, each a person linked to the group (and incident)."""
    session = get_session()
    try:
        added = add_named_members(session, get_person(session, person_id),
                                  names_from_lines(request.form.get("names", "")[:100_000]),
                                  incident_id=int_arg("incident_id"), user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.person", person_id=person_id)
    return done(ngettext("%(num)d member added.", "%(num)d members added.", len(added)), "casework.person",
                person_id=person_id)
