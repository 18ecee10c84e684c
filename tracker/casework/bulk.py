"""Bulk triage: one decision applied to many reports, each checked and audited as if done alone.

Each item goes through the same rules as the single actions of tracker.casework.triage (the same
guards: a closed report cannot be rejected again, only a closed one can be reopened, an assignee
must be an active caseworker) and gets the same audit event. An item that breaks a rule is
refused and reported back; the others are applied. The reports are read in one query through the
need-to-know clause, so an id outside the caseworker's communities is refused as "not found",
never revealed. The changes are written in one flush and the events appended in one batch, so
500 reports cost a handful of round trips (benchmarks/bench_bulk.py), not thousands.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import load_only
from sqlmodel import Session, select

from ..audit import new_event, record_many
from ..models import AuditEvent, Report, User, utcnow
from .errors import CaseworkError, Conflict, NotFound
from .inputs import Rejection
from .need_to_know import community_clause
from .triage import _require_open, _require_reopenable

ACTIONS = ("assign", "triage", "reject", "spam", "reopen")
MAX_REPORTS = 1_000  # one form or request; larger batches are split by the client
WORKFLOW_COLUMNS = (Report.id, Report.status, Report.community, Report.assigned_to_id, Report.status_reason,
                    Report.duplicate_of_id, Report.last_activity_at)


@dataclass
class BulkResult:
    """Which reports the action changed, and why each refused one was left as it was."""

    applied: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def visible_reports(session: Session, report_ids: list[int]) -> dict[int, Report]:
    """The reports among ``report_ids`` the asker may see, in one query.

    Only the workflow columns are loaded: opening 500 sealed narratives nobody reads would cost
    more than the whole action."""
    statement = select(Report).where(Report.id.in_(report_ids)).options(load_only(*WORKFLOW_COLUMNS))
    need_to_know = community_clause(Report.community)
    if need_to_know is not None:
        statement = statement.where(need_to_know)
    return {report.id: report for report in session.exec(statement)}


def _assignee(session: Session, assigned_to_id: int | None) -> int | None:
    """The caseworker to assign to (None unassigns); Conflict if the account cannot take reports."""
    if assigned_to_id is None:
        return None
    assignee = session.get(User, assigned_to_id)
    if assignee is None or not assignee.active or assignee.role != "caseworker":
        raise Conflict("reports can be assigned only to an active caseworker")
    return assignee.id


def _decide(report: Report, action: str, assignee_id: int | None, rejection: Rejection | None,
            user_id: int | None) -> AuditEvent:
    """Change one report in memory as the single action would; its audit event, or CaseworkError."""
    event: dict[str, Any]
    if action == "assign":
        report.assigned_to_id = assignee_id
        report.status = "in_triage" if report.status == "new" else report.status
        event = {"action": "report.assign", "detail": {"assigned_to_id": assignee_id, "bulk": True}}
    elif action == "triage":
        if report.status != "new":
            raise Conflict(f"the report is already {report.status}")
        report.status = "in_triage"
        event = {"action": "report.triage", "detail": {"status": "in_triage", "bulk": True}}
    elif action == "reopen":
        _require_reopenable(report)
        report.duplicate_of_id, report.status_reason, report.status = None, None, "in_triage"
        event = {"action": "report.reopen", "detail": {"bulk": True}}
    else:
        _require_open(report)
        report.status_reason = rejection.reason
        report.status = "spam" if rejection.spam else "rejected"
        event = {"action": "report.reject", "detail": {"status": report.status, "bulk": True}}
    report.last_activity_at = utcnow()
    return new_event(event["action"], user_id=user_id, object_type="report", object_id=report.id,
                     detail=event["detail"])


def apply_bulk(session: Session, action: str, report_ids: list[int], *, user_id: int | None,
               assigned_to_id: int | None = None, reason: str | None = None) -> BulkResult:
    """Apply ``action`` to each report; a refused item never stops the others."""
    if action not in ACTIONS:
        raise Conflict(f"unknown bulk action {action}")
    ids = list(dict.fromkeys(report_ids))[:MAX_REPORTS]
    assignee_id = _assignee(session, assigned_to_id) if action == "assign" else None
    rejection = Rejection(reason=reason or "", spam=action == "spam") if action in ("reject", "spam") else None
    reports = visible_reports(session, ids)
    result = BulkResult()
    events: list[AuditEvent] = []
    for report_id in ids:
        try:
            if report_id not in reports:
                raise NotFound(f"report {report_id}")
            events.append(_decide(reports[report_id], action, assignee_id, rejection, user_id))
        except CaseworkError as error:
            result.refused[report_id] = str(error)
        else:
            result.applied.append(report_id)
    record_many(session, events)  # its flush writes the reports' changes too
    return result
