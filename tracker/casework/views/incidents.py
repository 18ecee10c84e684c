"""An incident's page: the taxonomy editor, people involved, links, place and duplicates."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlmodel import select

from ...db import get_session
from ...models import Involvement, Location, Person
from ..cases import case_by_reference, link_incident_to_case
from ..dedup import merge_incidents, suggest_duplicate_incidents, unmerge_incidents
from ..errors import CaseworkError, NotFound
from ..incidents import (
    get_incident, incident_links, incident_values, link_incidents, source_report_ids, update_incident,
)
from ..inputs import IncidentLinkCreate, IncidentWithSources, InvolvementCreate
from ..people import get_person, involve_person
from ..places import correct_incident_place, place_candidates, set_incident_place
from . import audit_view, bp, caseworker_only, done, int_arg, refused, user_id
from .forms import read_form
from .verification import verification_section


def involved(incident_id: int) -> list[tuple[Involvement, Person]]:
    """The people of an incident with their involvement."""
    return list(get_session().exec(select(Involvement, Person).join(Person, Person.id == Involvement.person_id)
                                   .where(Involvement.incident_id == incident_id).order_by(Involvement.id)).all())


@bp.get("/incidents/<int:incident_id>")
@caseworker_only
def incident(incident_id: int):
    """The incident, its sources, people, links and likely duplicates, with the editor."""
    session = get_session()
    found = get_incident(session, incident_id)
    audit_view("incident", found.id)
    place_text = request.args.get("place", "").strip()[:200]
    country = request.args.get("place_country", "").strip().upper()[:2] or None
    return render_template(
        "casework/incident.html", incident=found, draft=incident_values(found),
        reports=source_report_ids(session, found.id),
        involved=involved(found.id), links=incident_links(session, found.id),
        location=session.get(Location, found.location_id) if found.location_id else None,
        duplicates=suggest_duplicate_incidents(session, found), place_text=place_text, place_country=country,
        candidates=place_candidates(place_text, country) if place_text else [],
        verification=verification_section(found),
    )


@bp.post("/incidents/<int:incident_id>")
@caseworker_only
def edit_incident(incident_id: int):
    """Save the incident's fields and codes."""
    session = get_session()
    found = get_incident(session, incident_id)
    try:
        data = read_form(IncidentWithSources, request.form, report_ids=[])
        update_incident(session, found, data, user_id=user_id(), perpetrator_types=data.perpetrator_types)
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.incident", incident_id=incident_id)
    return done(_("Incident saved."), "casework.incident", incident_id=incident_id)


@bp.post("/incidents/<int:incident_id>/people")
@caseworker_only
def involve(incident_id: int):
    """Link a person to the incident with a role."""
    session = get_session()
    get_incident(session, incident_id)
    try:
        data = read_form(InvolvementCreate, request.form)
        involve_person(session, incident_id, get_person(session, data.person_id), data.role, user_id=user_id(),
                       tactic=data.tactic, perpetrator_type=data.perpetrator_type, attribution=data.attribution)
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.incident", incident_id=incident_id)
    return done(_("Person linked."), "casework.incident", incident_id=incident_id)


@bp.post("/incidents/<int:incident_id>/links")
@caseworker_only
def link(incident_id: int):
    """Record that this incident caused, followed or relates to another."""
    session = get_session()
    try:
        data = read_form(IncidentLinkCreate, request.form)
        link_incidents(session, incident_id, data.to_incident_id, data.link_type, user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.incident", incident_id=incident_id)
    return done(_("Incidents linked."), "casework.incident", incident_id=incident_id)


@bp.post("/incidents/<int:incident_id>/case")
@caseworker_only
def put_in_case(incident_id: int):
    """Put the incident in the case with the given reference."""
    session = get_session()
    found = get_incident(session, incident_id)
    try:
        case = case_by_reference(session, request.form.get("reference", ""))
        if case is None:
            raise NotFound(_("No case has this reference."))
        link_incident_to_case(session, case, found, user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.incident", incident_id=incident_id)
    return done(_("Incident added to the case."), "casework.case", case_id=case.id)


@bp.post("/incidents/<int:incident_id>/place")
@caseworker_only
def place(incident_id: int):
    """Geocode the incident to the candidate place the caseworker chose."""
    session = get_session()
    found = get_incident(session, incident_id)
    country = request.form.get("place_country", "").strip().upper()[:2] or None
    try:
        set_incident_place(session, found, request.form.get("place", "").strip()[:200], country,
                           request.form.get("gazetteer_id", ""), user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.incident", incident_id=incident_id)
    return done(_("Place saved."), "casework.incident", incident_id=incident_id)


@bp.post("/incidents/<int:incident_id>/place/by-hand")
@caseworker_only
def place_by_hand(incident_id: int):
    """Place the incident at coordinates the caseworker gives (the gazetteer had no answer)."""
    session = get_session()
    found = get_incident(session, incident_id)
    try:
        lat, lon = float(request.form.get("lat", "")), float(request.form.get("lon", ""))
    except ValueError:
        return refused(CaseworkError(_("Latitude and longitude must be numbers.")), "casework.incident",
                       incident_id=incident_id)
    try:
        correct_incident_place(session, found, lat, lon, request.form.get("precision", ""),
                               request.form.get("name", "").strip()[:200] or None, user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.incident", incident_id=incident_id)
    return done(_("Place saved."), "casework.incident", incident_id=incident_id)


@bp.post("/incidents/<int:incident_id>/merge")
@caseworker_only
def merge_incident(incident_id: int):
    """Merge the incident ``drop_id`` into this one (reversible)."""
    session = get_session()
    keep = get_incident(session, incident_id)
    try:
        merge_incidents(session, keep, get_incident(session, int_arg("drop_id") or 0), user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.incident", incident_id=incident_id)
    return done(_("Incidents merged; the merge can be undone from the merged incident's page."),
                "casework.incident", incident_id=incident_id)


@bp.post("/incidents/<int:incident_id>/unmerge")
@caseworker_only
def unmerge_incident(incident_id: int):
    """Undo the merge of this incident into another."""
    session = get_session()
    try:
        unmerge_incidents(session, get_incident(session, incident_id), user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.incident", incident_id=incident_id)
    return done(_("Merge undone."), "casework.incident", incident_id=incident_id)
