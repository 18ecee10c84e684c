"""Triage: what a caseworker decides about a report (accept, duplicate, reject, assign, verify).

A report is kept as sent (DESIGN §3); triage only changes its workflow fields and links it to the
incidents derived from it, so nothing the reporter said is ever overwritten or lost.
"""
from __future__ import annotations

from sqlmodel import Session, select

from ..audit import record
from ..models import Incident, IncidentReport, Report, User, utcnow
from ..models.inputs import IncidentCreate
from .errors import Conflict, InvalidTransition, get_or_not_found
from .incidents import create_incident
from .inputs import Rejection, TriageUpdate

OPEN_STATUSES = ("new", "in_triage")
REOPENABLE_STATUSES = ("rejected", "spam", "duplicate")


def get_report(session: Session, report_id: int) -> Report:
    """The report with this id; NotFound if there is none."""
    return get_or_not_found(session, Report, report_id, "report")


def incident_draft(report: Report) -> dict:
    """An incident pre-filled from what the reporter said, for the caseworker to correct."""
    tactics = report.codes_of("tactic")
    return {
        "primary_tactic": tactics[0] if tactics else "other",
        "tactics": tactics,
        "channels": report.codes_of("channel"),
        "demands": report.codes_of("demand"),
        "community": report.community,
        "origin_country": report.origin_country,
        "host_country": report.host_country,
        "start_date": report.event_date,
        "start_precision": report.event_date_precision,
        "summary": report.narrative,
        "perpetrator_types": report.codes_of("perpetrator_type"),
    }


def _require_open(report: Report) -> None:
    """Only reports still in triage can be accepted, rejected or marked duplicate."""
    if report.status not in OPEN_STATUSES:
        raise InvalidTransition(f"the report is already {report.status}")


def _touch(session: Session, report: Report, status: str | None = None) -> None:
    """Record the report's new workflow state and when it last moved."""
    if status is not None:
        report.status = status
    report.last_activity_at = utcnow()
    session.add(report)
    session.flush()


def accept_report_as_incidents(session: Session, report: Report, drafts: list[IncidentCreate], *,
                               user_id: int | None, perpetrator_types: list[str] | None = None) -> list[Incident]:
    """Accept a report as one or more incidents, each citing it as a source."""
    _require_open(report)
    if not drafts:
        raise Conflict("accepting a report needs at least one incident")
    incidents = [create_incident(session, draft, user_id=user_id, report_ids=[report.id],
                                 perpetrator_types=perpetrator_types or ()) for draft in drafts]
    _touch(session, report, "accepted")
    record(session, "report.accept", user_id=user_id, object_type="report", object_id=report.id,
           detail={"incident_ids": [incident.id for incident in incidents]})
    return incidents


def accept_into_incident(session: Session, report: Report, incident: Incident, *, user_id: int | None) -> None:
    """Accept a report as one more source of an incident already recorded."""
    _require_open(report)
    cited = session.get(IncidentReport, (incident.id, report.id))
    if cited is None:
        session.add(IncidentReport(incident_id=incident.id, report_id=report.id))
    _touch(session, report, "accepted")
    record(session, "report.accept", user_id=user_id, object_type="report", object_id=report.id,
           detail={"incident_ids": [incident.id]})


def mark_duplicate(session: Session, report: Report, original_id: int, *, user_id: int | None) -> Report:
    """Mark a report a duplicate of another; the original's incidents now cite it too."""
    _require_open(report)
    original = get_report(session, original_id)
    while original.duplicate_of_id is not None:  # point at the first report of the chain
        original = get_report(session, original.duplicate_of_id)
    if original.id == report.id:
        raise Conflict("a report cannot duplicate itself")
    report.duplicate_of_id = original.id
    cited = set(session.exec(select(IncidentReport.incident_id).where(IncidentReport.report_id == report.id)))
    for incident_id in session.exec(select(IncidentReport.incident_id).where(IncidentReport.report_id == original.id)):
        if incident_id not in cited:
            session.add(IncidentReport(incident_id=incident_id, report_id=report.id))
    _touch(session, report, "duplicate")
    record(session, "report.duplicate", user_id=user_id, object_type="report", object_id=report.id,
           detail={"original_id": original.id})
    return original


def reject_report(session: Session, report: Report, rejection: Rejection, *, user_id: int | None) -> None:
    """Reject a report, or mark it spam, with a reason for the staff record."""
    _require_open(report)
    report.status_reason = rejection.reason
    _touch(session, report, "spam" if rejection.spam else "rejected")
    record(session, "report.reject", user_id=user_id, object_type="report", object_id=report.id,
           detail={"status": report.status})


def _require_reopenable(report: Report) -> None:
    """Only a rejected, spam or duplicate report can be put back in triage."""
    if report.status not in REOPENABLE_STATUSES:
        raise InvalidTransition(f"a report that is {report.status} cannot be reopened")


def reopen_report(session: Session, report: Report, *, user_id: int | None) -> None:
    """Put a rejected, spam or duplicate report back in triage (a mistaken decision)."""
    _require_reopenable(report)
    report.duplicate_of_id = None
    report.status_reason = None
    _touch(session, report, "in_triage")
    record(session, "report.reopen", user_id=user_id, object_type="report", object_id=report.id)


def update_triage(session: Session, report: Report, update: TriageUpdate, *, user_id: int | None) -> None:
    """Assign a report and set its priority, risk and verification; a new report enters triage."""
    if update.assigned_to_id is not None:
        assignee = session.get(User, update.assigned_to_id)
        if assignee is None or not assignee.active or assignee.role != "caseworker":
            raise Conflict("reports can be assigned only to an active caseworker")
    report.assigned_to_id = update.assigned_to_id
    report.priority = update.priority
    report.risk_level = update.risk_level
    report.verification = update.verification
    _touch(session, report, "in_triage" if report.status == "new" else None)
    record(session, "report.triage", user_id=user_id, object_type="report", object_id=report.id,
           detail=update.model_dump(mode="json"))
