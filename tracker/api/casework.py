"""The staff JSON API for casework: incidents, cases, people, relationships and statuses.

Thin over the same domain functions as the pages (tracker.casework), with the same validation
and audit: every read of personal data and every change is logged, with actor "api".
Caseworkers only, authenticated by a personal bearer token (tracker.api.tokens).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, jsonify, request
from pydantic import BaseModel, ValidationError

from .. import taxonomy
from ..audit import record
from ..casework import cases as case_domain
from ..casework.errors import CaseworkError, Conflict, InvalidTransition, NotFound
from ..casework.incidents import create_incident, get_incident, incident_values, source_report_ids, update_incident
from ..casework.family import accept_with_family, apply_update, proposed_family, proposed_updates
from ..casework.inputs import (
    AcceptWithFamily, FamilyImport, FamilyUpdateApply, IncidentWithSources, InvolvementCreate,
)
from ..casework.triage import get_report, incident_draft
from ..casework.people import create_person, find_people, get_person, involve_person
from ..casework.relatives import add_relationship, record_relative_status, relationships_of, status_history
from ..casework.timeline import case_timeline
from ..db import get_session
from ..models import Case, Incident, Person, PersonRelationship, RelativeStatus
from ..models.inputs import CaseCreate, PersonCreate, RelationshipCreate, RelativeStatusCreate
from . import bp
from .tokens import token_required

STATUS_OF = {NotFound: 404, Conflict: 409, InvalidTransition: 409}
caseworker_token = token_required("caseworker")


def schemas_of(**models: type[BaseModel]) -> dict[str, Any]:
    """JSON Schemas of the input data models, nested models lifted into components."""
    schemas: dict[str, Any] = {}
    for name, model in models.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schema
    return schemas


def built_on_first_use(namespace: dict[str, Any], **builders: Callable[[], Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) that builds each named value on first use and keeps it.

    For the OpenAPI fragments made from pydantic's JSON Schemas: generating them took a tenth of a
    second of every start-up, page or command (issue 17), and only /api/v1/openapi.json reads them.
    """
    def build(name: str) -> Any:
        if name not in builders:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        namespace[name] = value = builders[name]()  # kept: the module's __getattr__ is not asked again
        return value

    return build


def _openapi_schemas() -> dict[str, Any]:
    return {
        **schemas_of(IncidentInput=IncidentWithSources, InvolvementInput=InvolvementCreate, CaseInput=CaseCreate,
                     PersonInput=PersonCreate, RelationshipInput=RelationshipCreate,
                     RelativeStatusInput=RelativeStatusCreate, AcceptWithFamilyInput=AcceptWithFamily,
                     FamilyImport=FamilyImport, FamilyUpdateApply=FamilyUpdateApply),
        "CaseworkObject": {"type": "object", "description": "The stored object, with its id",
                           "additionalProperties": True},
    }


__getattr__ = built_on_first_use(globals(), OPENAPI_SCHEMAS=_openapi_schemas)


def json_of(ref: str) -> dict[str, Any]:
    """A JSON content entry referring to a component schema."""
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def operation(summary: str, operation_id: str, *, body: str | None = None, created: bool = False,
               parameters: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """One documented operation: bearer token, caseworkers only, JSON in and out."""
    error = {"content": json_of("Error")}
    operation: dict[str, Any] = {
        "summary": summary, "operationId": operation_id, "security": [{"bearerToken": []}],
        "tags": ["casework"], "parameters": list(parameters),
        "responses": {"201" if created else "200": {"description": "The object", "content": json_of("CaseworkObject")},
                      "401": {"description": "No valid token", **error},
                      "403": {"description": "Not a caseworker", **error},
                      "404": {"description": "No such object", **error}},
    }
    if body:
        operation["requestBody"] = {"required": True, "content": json_of(body)}
        operation["responses"] |= {"409": {"description": "Conflicts with stored data", **error},
                                   "422": {"description": "Invalid fields", **error}}
    return operation


def path_id(name: str) -> dict[str, Any]:
    """A numeric path parameter."""
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


OPENAPI_PATHS: dict[str, Any] = {
    "/incidents": {"post": operation("Record an incident from reports", "createIncident", body="IncidentInput",
                                      created=True)},
    "/incidents/{incident_id}": {
        "get": operation("Read an incident", "getIncident", parameters=(path_id("incident_id"),)),
        "put": operation("Replace an incident's fields and codes", "updateIncident", body="IncidentInput",
                          parameters=(path_id("incident_id"),))},
    "/incidents/{incident_id}/involvements": {
        "post": operation("Link a person to an incident with a role", "involvePerson", body="InvolvementInput",
                           created=True, parameters=(path_id("incident_id"),))},
    "/cases": {"post": operation("Open a case (incident_ids are put in it)", "openCase", body="CaseInput",
                                  created=True)},
    "/cases/{case_id}": {"get": operation("Read a case with people, incidents and timeline", "getCase",
                                           parameters=(path_id("case_id"),))},
    "/people": {
        "post": operation("Record a person (names sealed, blind-indexed)", "createPerson", body="PersonInput",
                           created=True),
        "get": operation("Find people by name in any script", "findPeople", parameters=(
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},))},
    "/people/{person_id}": {"get": operation("Read a person with relationships and statuses", "getPerson",
                                              parameters=(path_id("person_id"),))},
    "/relationships": {"post": operation("Record a relationship between two people", "addRelationship",
                                          body="RelationshipInput", created=True)},
    "/statuses": {"post": operation("Add a dated status to a person's history", "recordStatus",
                                     body="RelativeStatusInput", created=True)},
    "/reports/{report_id}/family": {
        "get": operation("The incident draft and the people accepting this report would import", "proposeFamily",
                         parameters=(path_id("report_id"),)),
        "post": operation("Accept the report as an incident and import its people (relatives included)",
                          "acceptWithFamily", body="AcceptWithFamilyInput", created=True,
                          parameters=(path_id("report_id"),))},
    "/reports/{report_id}/family/updates": {
        "get": operation("New facts about imported relatives from the reporter's later additions",
                         "proposedFamilyUpdates", parameters=(path_id("report_id"),)),
        "post": operation("Apply every proposed update to the people it is about", "applyFamilyUpdates",
                          body="FamilyUpdateApply", parameters=(path_id("report_id"),))},
}


# A search answers a list, not one object; without ``q`` the list is empty.
OPENAPI_PATHS["/people"]["get"]["responses"]["200"]["content"] = {"application/json": {"schema": {
    "type": "array", "items": {"type": "object", "required": ["id", "pseudonym"]}}}}
OPENAPI_PATHS["/people"]["get"]["parameters"][0]["required"] = False


@bp.errorhandler(ValidationError)
@bp.errorhandler(CaseworkError)
def fail(error: Exception):
    """A domain or validation error as a JSON Error body.

    Registered on the API blueprint, so a view just lets the error rise: whatever the view had
    written is rolled back and the client gets 404, 409 or 422, never a 500.
    """
    get_session().rollback()
    if isinstance(error, ValidationError):
        fields = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in error.errors()}
        return jsonify(error="invalid", message="The request has invalid fields.", fields=fields), 422
    status = next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 400)
    return jsonify(error=type(error).__name__.lower(), message=str(error)), status


def body_of(model: type[BaseModel], **extra: Any) -> Any:
    """The JSON body validated by a data model."""
    payload = request.get_json(silent=True)
    return model.model_validate({**(payload if isinstance(payload, dict) else {}), **extra})


def viewed(object_type: str, object_id: int) -> None:
    """Audit a read of personal data through the API."""
    record(get_session(), f"{object_type}.view", user_id=g.api_user.id, actor="api", object_type=object_type,
           object_id=object_id)
    get_session().commit()


def incident_json(incident: Incident) -> dict[str, Any]:
    """An incident with its codes and sources."""
    values = incident_values(incident)
    return {"id": incident.id, "case_id": incident.case_id, "location_id": incident.location_id,
            **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()},
            "report_ids": source_report_ids(get_session(), incident.id)}


def person_json(person: Person) -> dict[str, Any]:
    """A person, names included (sealed at rest; reading them is audited)."""
    return {"id": person.id, "pseudonym": person.pseudonym, "names": person.names or [],
            "community": person.community, "residence_country": person.residence_country,
            "birth_year": person.birth_year, "target_types": person.target_types, "is_group": person.is_group,
            "group_size": person.group_size, "group_size_kind": person.group_size_kind,
            "merged_into_id": person.merged_into_id}


def relationship_json(link: PersonRelationship) -> dict[str, Any]:
    """A relationship: ``related_person_id`` is the ``relationship_type`` of ``person_id``."""
    return {"id": link.id, "person_id": link.person_id, "related_person_id": link.related_person_id,
            "relationship_type": link.relationship_type, "since": link.since.isoformat() if link.since else None}


def status_json(status: RelativeStatus) -> dict[str, Any]:
    """One dated status of a person."""
    return {"id": status.id, "person_id": status.person_id, "relationship_id": status.relationship_id,
            "status": status.status, "status_date": status.status_date.isoformat() if status.status_date else None,
            "date_precision": status.date_precision, "place_text": status.place_text,
            "in_retaliation": status.in_retaliation, "retaliation_reason": status.retaliation_reason,
            "incident_id": status.incident_id, "track": taxonomy.status_track(status.status),
            "sentence_months": status.sentence_months, "sentence_charge": status.sentence_charge,
            "sentence_court": status.sentence_court, "proof_of_life_kind": status.proof_of_life_kind,
            "health_concern": status.health_concern, "health_note": status.health_note, "source": status.source}


def case_json(case: Case) -> dict[str, Any]:
    """A case with its people, incidents and timeline."""
    session = get_session()
    return {"id": case.id, "reference": case.reference, "title": case.title, "status": case.status,
            "priority": case.priority, "risk_level": case.risk_level, "assigned_to_id": case.assigned_to_id,
            "people": [{"person_id": p.id, "role": role} for p, role in case_domain.case_people(session, case.id)],
            "incident_ids": case_domain.case_incident_ids(session, case.id),
            "timeline": [{"date": e.when.isoformat() if e.when else None, "kind": e.kind, "code": e.code,
                          "object_id": e.object_id, "person_id": e.person_id}
                         for e in case_timeline(session, case.id)]}


@bp.post("/incidents")
@caseworker_token
def api_create_incident():
    """Record an incident, citing the reports it draws on."""
    session = get_session()
    data = body_of(IncidentWithSources)
    incident = create_incident(session, data, user_id=g.api_user.id, report_ids=data.report_ids,
                               perpetrator_types=data.perpetrator_types)
    session.commit()
    return jsonify(incident_json(incident)), 201


@bp.get("/incidents/<int:incident_id>")
@caseworker_token
def api_get_incident(incident_id: int):
    """One incident."""
    incident = get_incident(get_session(), incident_id)
    viewed("incident", incident.id)
    return jsonify(incident_json(incident))


@bp.put("/incidents/<int:incident_id>")
@caseworker_token
def api_update_incident(incident_id: int):
    """Replace an incident's fields and codes."""
    session = get_session()
    data = body_of(IncidentWithSources)
    incident = update_incident(session, get_incident(session, incident_id), data, user_id=g.api_user.id,
                               perpetrator_types=data.perpetrator_types)
    session.commit()
    return jsonify(incident_json(incident))


@bp.post("/incidents/<int:incident_id>/involvements")
@caseworker_token
def api_involve(incident_id: int):
    """Link a person to an incident with a role."""
    session = get_session()
    get_incident(session, incident_id)
    data = body_of(InvolvementCreate)
    involvement = involve_person(session, incident_id, get_person(session, data.person_id), data.role,
                                 user_id=g.api_user.id, tactic=data.tactic,
                                 perpetrator_type=data.perpetrator_type, attribution=data.attribution)
    session.commit()
    return jsonify({"id": involvement.id, "incident_id": incident_id, "person_id": involvement.person_id,
                    "role": involvement.role}), 201


@bp.post("/cases")
@caseworker_token
def api_open_case():
    """Open a case; ``incident_ids`` are put in it."""
    session = get_session()
    case = case_domain.open_case(session, body_of(CaseCreate), user_id=g.api_user.id)
    for incident_id in (request.get_json(silent=True) or {}).get("incident_ids", []):
        case_domain.link_incident_to_case(session, case, get_incident(session, int(incident_id)),
                                          user_id=g.api_user.id)
    session.commit()
    return jsonify(case_json(case)), 201


@bp.get("/cases/<int:case_id>")
@caseworker_token
def api_get_case(case_id: int):
    """A case with its people, incidents and timeline."""
    case = case_domain.get_case(get_session(), case_id)
    viewed("case", case.id)
    return jsonify(case_json(case))


@bp.post("/people")
@caseworker_token
def api_create_person():
    """Record a person; names are sealed and indexed for search."""
    session = get_session()
    person = create_person(session, body_of(PersonCreate), user_id=g.api_user.id)
    session.commit()
    return jsonify(person_json(person)), 201


@bp.get("/people")
@caseworker_token
def api_find_people():
    """People whose names match every part of ``q`` (any script), by blind index."""
    query = request.args.get("q", "").strip()[:200]
    found = find_people(get_session(), query) if query else []
    record(get_session(), "person.search", user_id=g.api_user.id, actor="api", object_type="person",
           detail={"results": len(found)})
    get_session().commit()
    return jsonify([{"id": p.id, "pseudonym": p.pseudonym} for p in found])


@bp.get("/people/<int:person_id>")
@caseworker_token
def api_get_person(person_id: int):
    """A person with names, relationships and status history."""
    session = get_session()
    person = get_person(session, person_id)
    viewed("person", person.id)
    return jsonify({**person_json(person),
                    "relationships": [relationship_json(link) for link in relationships_of(session, person.id)],
                    "statuses": [status_json(s) for s in status_history(session, person.id)]})


@bp.post("/relationships")
@caseworker_token
def api_add_relationship():
    """Record that ``related_person_id`` is the ``relationship_type`` of ``person_id``."""
    session = get_session()
    link = add_relationship(session, body_of(RelationshipCreate), user_id=g.api_user.id)
    session.commit()
    return jsonify(relationship_json(link)), 201


@bp.post("/statuses")
@caseworker_token
def api_record_status():
    """Add a dated status to a person's history."""
    session = get_session()
    status = record_relative_status(session, body_of(RelativeStatusCreate), user_id=g.api_user.id)
    session.commit()
    return jsonify(status_json(status)), 201


@bp.get("/reports/<int:report_id>/family")
@caseworker_token
def api_propose_family(report_id: int):
    """What accepting the report would record: the incident draft and each proposed person."""
    session = get_session()
    report = get_report(session, report_id)
    viewed("report", report.id)
    draft = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in incident_draft(report).items()}
    return jsonify({"report_id": report.id, "status": report.status, "incident": draft,
                    "family": proposed_family(session, report).model_dump(mode="json")})


@bp.post("/reports/<int:report_id>/family")
@caseworker_token
def api_accept_with_family(report_id: int):
    """Accept the report as one incident and import the people in ``family`` (as proposed, if left out)."""
    session = get_session()
    report = get_report(session, report_id)
    payload = request.get_json(silent=True)
    data = body_of(AcceptWithFamily)
    if not (isinstance(payload, dict) and "family" in payload):  # left out: the proposal as it stands
        data.family = proposed_family(session, report)
    incident, family = accept_with_family(session, report, data, data.family, user_id=g.api_user.id,
                                          perpetrator_types=data.perpetrator_types)
    session.commit()
    return jsonify({"incident": incident_json(incident), "case_id": family.case.id if family.case else None,
                    "target_id": family.target.id, "reporter_id": family.reporter.id if family.reporter else None,
                    "relative_ids": [person.id for person in family.relatives]}), 201


@bp.get("/reports/<int:report_id>/family/updates")
@caseworker_token
def api_proposed_updates(report_id: int):
    """Relatives of the reporter's later additions matched to people already imported, new statuses only."""
    session = get_session()
    report = get_report(session, report_id)
    viewed("report", report.id)
    return jsonify([{"reported_relative_id": u.reported.id, "person_id": u.person.id,
                     "proposal": u.proposal.model_dump(mode="json")} for u in proposed_updates(session, report)])


@bp.post("/reports/<int:report_id>/family/updates")
@caseworker_token
def api_apply_updates(report_id: int):
    """Add every proposed update's statuses to its person (optionally citing ``incident_id``)."""
    session = get_session()
    report = get_report(session, report_id)
    incident_id = body_of(FamilyUpdateApply).incident_id
    if incident_id is not None:
        get_incident(session, incident_id)
    updates = proposed_updates(session, report)
    for update in updates:
        apply_update(session, update, incident_id, user_id=g.api_user.id)
    session.commit()
    return jsonify({"applied": [u.reported.id for u in updates]})
