"""The staff JSON API for triage: the queue, a report, its decisions, bulk actions and searches.

The same domain functions and rules as the queue and report pages (tracker.casework), the same
audit, and the same need-to-know scope: a report outside the caseworker's communities is a 404
here too. Free-text search terms are POSTed to /searches and used by id, as on the web, so a
name never appears in a URL or an access log.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from flask import g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints, model_validator

from .. import taxonomy
from ..audit import record
from ..casework.bulk import MAX_REPORTS, apply_bulk
from ..casework.errors import NotFound
from ..casework.incidents import get_incident
from ..casework.inputs import Rejection, TriageUpdate
from ..casework.queue import OPEN, SORTS, QueueFilters, queue_page
from ..casework.searches import TERM_LENGTH, save_search, saved_search
from ..casework.triage import accept_into_incident, get_report, reject_report, reopen_report, update_triage
from ..db import get_session
from ..models import Report
from ..models.base import SHORT_TEXT, Code, Country
from . import bp
from .casework import body_of, built_on_first_use, caseworker_token, json_of, operation, path_id, schemas_of, viewed

ReportStatus = Literal["open", *sorted(taxonomy.codes("report_status"))]  # type: ignore[valid-type]


class QueueQuery(BaseModel):
    """The queue's filters as query parameters; an unknown code is refused (422), not ignored."""

    model_config = ConfigDict(extra="forbid")

    status: ReportStatus = OPEN
    community: Code("community") | None = None
    tactic: Code("tactic") | None = None
    origin_country: Country | None = None
    host_country: Country | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    urgent: bool = False
    mine: bool = False
    relative_detained: bool = False
    search: int | None = Field(default=None, ge=1, description="A saved search's id (POST /searches)")
    sort: Literal[SORTS] = "newest"  # type: ignore[valid-type]
    after: str | None = Field(default=None, max_length=200, description="The next_cursor of the previous page")
    limit: int = Field(default=50, ge=1, le=200)


Term = Annotated[str, StringConstraints(max_length=TERM_LENGTH, pattern=r"\S")]


class SearchTerms(BaseModel):
    """Free-text terms: a case reference, a name or place (query), words in the narrative."""

    # The schema says what the validator below requires: at least one term, not only spaces.
    model_config = ConfigDict(extra="forbid", json_schema_extra={"anyOf": [
        {"required": ["query"], "properties": {"query": {"type": "string"}}},
        {"required": ["words"], "properties": {"words": {"type": "string"}}}]})

    query: Term | None = None
    words: Term | None = None

    @model_validator(mode="after")
    def something_to_search(self) -> SearchTerms:
        """At least one of the terms must be more than blanks."""
        if not (self.query or "").strip() and not (self.words or "").strip():
            raise ValueError("give a query or words to search for")
        return self


# The reason as the JSON Schema can state it: some character that is not a space (the domain
# strips it, so "   " would pass a bare minLength and then be refused).
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT, pattern=r"\S")]


class BulkAssign(BaseModel):
    """Assign many reports to a caseworker (null unassigns); new ones enter triage."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["assign"]
    report_ids: list[int] = Field(min_length=1, max_length=MAX_REPORTS)
    assigned_to_id: int | None = None


class BulkClose(BaseModel):
    """Reject many reports, or mark them spam, with one reason."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["reject", "spam"]
    report_ids: list[int] = Field(min_length=1, max_length=MAX_REPORTS)
    reason: Reason


class BulkMove(BaseModel):
    """Move many new reports into triage, or reopen closed ones."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["triage", "reopen"]
    report_ids: list[int] = Field(min_length=1, max_length=MAX_REPORTS)


class BulkAction(RootModel[Annotated[BulkAssign | BulkClose | BulkMove, Field(discriminator="action")]]):
    """One action on many reports; each report is checked and audited as if done alone."""


class ApiRejection(BaseModel):
    """Why a report is rejected, or marked spam; shown to staff only."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    spam: bool = False


class IncidentCitation(BaseModel):
    """The incident a report is accepted into as one more source."""

    model_config = ConfigDict(extra="forbid")

    incident_id: int


def _query_parameter(name: str, schema: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """A query parameter documented from the QueueQuery model's own schema."""
    parameter = {"name": name, "in": "query", "required": False, "schema": schema}
    return {**parameter, "description": description} if description else parameter


def _queue_parameters() -> tuple[dict[str, Any], ...]:
    """Every filter of the queue, with its enum, from QueueQuery."""
    properties = QueueQuery.model_json_schema()["properties"]
    return tuple(_query_parameter(name, {k: v for k, v in schema.items() if k not in ("title", "description")},
                                  schema.get("description")) for name, schema in properties.items())


def triage_operation(summary: str, operation_id: str, *, body: str | None = None,
                     parameters: tuple[dict[str, Any], ...] = (), created: bool = False) -> dict[str, Any]:
    """A documented operation that may also refuse its input with 422 (query or body)."""
    documented = operation(summary, operation_id, body=body, parameters=parameters, created=created)
    documented["tags"] = ["triage"]
    documented["responses"].setdefault("422", {"description": "Invalid fields", "content": json_of("Error")})
    return documented


REPORT_ID = (path_id("report_id"),)


def _openapi_schemas() -> dict[str, Any]:
    return schemas_of(SearchTerms=SearchTerms, BulkAction=BulkAction, IncidentCitation=IncidentCitation,
                      Rejection=ApiRejection, TriageUpdate=TriageUpdate)


def _openapi_paths() -> dict[str, Any]:
    return {
        "/queue": {"get": triage_operation("Reports waiting for triage, filtered and paged by cursor", "getQueue",
                                           parameters=_queue_parameters())},
        "/searches": {"post": triage_operation("Keep search terms server-side; use the id as the queue's search",
                                               "saveSearch", body="SearchTerms", created=True)},
        "/reports/{report_id}": {"get": triage_operation("Read a report as sent, with its workflow fields",
                                                         "getReport", parameters=REPORT_ID)},
        "/reports/{report_id}/triage": {"post": triage_operation(
            "Assign the report and set priority, risk and verification", "triageReport", body="TriageUpdate",
            parameters=REPORT_ID)},
        "/reports/{report_id}/reject": {"post": triage_operation(
            "Reject the report, or mark it spam, with a reason", "rejectReport", body="Rejection",
            parameters=REPORT_ID)},
        "/reports/{report_id}/reopen": {"post": triage_operation("Put a closed report back in triage", "reopenReport",
                                                                 parameters=REPORT_ID)},
        "/reports/{report_id}/incident": {"post": triage_operation(
            "Accept the report as one more source of an existing incident", "acceptIntoIncident",
            body="IncidentCitation", parameters=REPORT_ID)},
        "/bulk": {"post": triage_operation("Apply one action to many reports; refused ones come back with a reason",
                                           "bulkAction", body="BulkAction")},
    }


# Both are built on first use: the queue's parameters come from QueueQuery's JSON Schema too.
__getattr__ = built_on_first_use(globals(), OPENAPI_SCHEMAS=_openapi_schemas, OPENAPI_PATHS=_openapi_paths)


def report_json(report: Report, *, full: bool = False) -> dict[str, Any]:
    """A report's workflow fields; with ``full``, what the reporter said (sealed at rest)."""
    summary = {"id": report.id, "submitted_at": report.submitted_at.isoformat(), "status": report.status,
               "community": report.community, "origin_country": report.origin_country,
               "host_country": report.host_country, "urgent_risk": report.urgent_risk,
               "priority": report.priority, "risk_level": report.risk_level, "verification": report.verification,
               "assigned_to_id": report.assigned_to_id, "tactics": report.codes_of("tactic")}
    if not full:
        return summary
    return {**summary, "language": report.language, "submitter_role": report.submitter_role,
            "narrative": report.narrative, "channels": report.codes_of("channel"),
            "demands": report.codes_of("demand"), "perpetrator_types": report.codes_of("perpetrator_type"),
            "event_date": report.event_date.isoformat() if report.event_date else None,
            "event_date_precision": report.event_date_precision, "duplicate_of_id": report.duplicate_of_id,
            "status_reason": report.status_reason}


def query_of(model: type[BaseModel]) -> Any:
    """The query string validated by a data model (each parameter given once)."""
    return model.model_validate({name: request.args.get(name) for name in request.args})


@bp.get("/queue")
@caseworker_token
def api_queue():
    """One page of the queue; ``search`` is the id of one of your saved searches."""
    session = get_session()
    query = query_of(QueueQuery)
    terms = saved_search(session, g.api_user.id, query.search)
    if query.search is not None and terms is None:
        raise NotFound(f"search {query.search}")
    filters = QueueFilters(
        status=query.status, community=query.community, tactic=query.tactic, origin_country=query.origin_country,
        host_country=query.host_country, submitted_from=query.submitted_from, submitted_to=query.submitted_to,
        urgent=query.urgent, assigned_to_id=g.api_user.id if query.mine else None,
        relative_detained=query.relative_detained, query=terms.query if terms else None,
        words=terms.words if terms else None, sort=query.sort)
    record(session, "queue.view", user_id=g.api_user.id, actor="api", object_type="queue",
           detail={"searched": terms is not None})
    session.commit()
    page = queue_page(session, filters, query.after, page_size=query.limit)
    return jsonify({"reports": [report_json(report) for report in page.reports], "next_cursor": page.next_cursor,
                    "scan_stopped": page.scan_stopped})


@bp.post("/searches")
@caseworker_token
def api_save_search():
    """Keep search terms for the token's owner; the queue takes the returned id."""
    session = get_session()
    terms = body_of(SearchTerms)
    search = save_search(session, g.api_user.id, terms.query, terms.words)
    session.commit()
    return jsonify({"id": search.id}), 201


@bp.get("/reports/<int:report_id>")
@caseworker_token
def api_get_report(report_id: int):
    """A report as sent, with its workflow fields (the read is audited)."""
    report = get_report(get_session(), report_id)
    viewed("report", report.id)
    return jsonify(report_json(report, full=True))


def _decide(report_id: int, decide) -> Any:
    """Run one triage decision on a report and answer with the report, or the error."""
    session = get_session()
    report = get_report(session, report_id)
    decide(session, report)
    session.commit()
    return jsonify(report_json(report))


@bp.post("/reports/<int:report_id>/triage")
@caseworker_token
def api_triage_report(report_id: int):
    """Assign the report and set its priority, risk and verification."""
    return _decide(report_id, lambda session, report: update_triage(
        session, report, body_of(TriageUpdate), user_id=g.api_user.id))


@bp.post("/reports/<int:report_id>/reject")
@caseworker_token
def api_reject_report(report_id: int):
    """Reject the report, or mark it spam (``spam: true``), with a reason."""
    return _decide(report_id, lambda session, report: reject_report(
        session, report, Rejection.model_validate(body_of(ApiRejection).model_dump()), user_id=g.api_user.id))


@bp.post("/reports/<int:report_id>/reopen")
@caseworker_token
def api_reopen_report(report_id: int):
    """Put a rejected, spam or duplicate report back in triage."""
    return _decide(report_id, lambda session, report: reopen_report(session, report, user_id=g.api_user.id))


@bp.post("/reports/<int:report_id>/incident")
@caseworker_token
def api_accept_into_incident(report_id: int):
    """Accept the report as one more source of an incident already recorded."""
    def accept(session, report) -> None:
        incident = get_incident(session, body_of(IncidentCitation).incident_id)
        accept_into_incident(session, report, incident, user_id=g.api_user.id)
    return _decide(report_id, accept)


@bp.post("/bulk")
@caseworker_token
def api_bulk():
    """Apply one action to many reports; each is checked and audited like the single action."""
    session = get_session()
    data = body_of(BulkAction).root
    result = apply_bulk(session, data.action, data.report_ids, user_id=g.api_user.id,
                        assigned_to_id=getattr(data, "assigned_to_id", None), reason=getattr(data, "reason", None))
    session.commit()
    return jsonify({"applied": result.applied, "refused": {str(k): v for k, v in result.refused.items()}})
