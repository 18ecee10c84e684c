"""Bulk triage: one decision applied to many reports, each checked and audited as if done alone.

A bulk action is a loop over the single actions of tracker.casework.triage, so an item gets the
same rules (a closed report cannot be rejected again, an assignee must be an active caseworker)
and the same audit event as on its own page. An item that breaks a rule is refused and reported
back; the others are applied. The reports are read in one query through the need-to-know clause,
so an id outside the caseworker's communities is refused as "not found", never revealed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from ..audit import record
from ..models import Report, User
from .errors import CaseworkError, Conflict, NotFound
from .inputs import Rejection
from .need_to_know import community_clause
from .triage import _touch, reject_report, reopen_report

ACTIONS = ("assign", "triage", "reject", "spam", "reopen")
MAX_REPORTS = 1_000  # one form or request; larger batches are split by the client


@dataclass
class BulkResult:
    """Which reports the action changed, and why each refused one was left as it was."""

    applied: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def visible_reports(session: Session, report_ids: list[int]) -> dict[int, Report]:
    """The reports among ``report_ids`` the asker may see, in one query."""
    statement = select(Report).where(Report.id.in_(report_ids))
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


def _assign(session: Session, report: Report, assignee_id: int | None, user_id: int | None) -> None:
    """Give the report to a caseworker (or nobody); a new report enters triage."""
    report.assigned_to_id = assignee_id
    _touch(session, report, "in_triage" if report.status == "new" else None)
    record(session, "report.assign", user_id=user_id, object_type="report", object_id=report.id,
           detail={"assigned_to_id": assignee_id, "bulk": True})


def _start_triage(session: Session, report: Report, user_id: int | None) -> None:
    """Move a new report into triage; anything else is refused."""
    if report.status != "new":
        raise Conflict(f"the report is already {report.status}")
    _touch(session, report, "in_triage")
    record(session, "report.triage", user_id=user_id, object_type="report", object_id=report.id,
           detail={"status": "in_triage", "bulk": True})


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
    for report_id in ids:
        report = reports.get(report_id)
        try:
            if report is None:
                raise NotFound(f"report {report_id}")
            if action == "assign":
                _assign(session, report, assignee_id, user_id)
            elif action == "triage":
                _start_triage(session, report, user_id)
            elif action == "reopen":
                reopen_report(session, report, user_id=user_id)
            else:
                reject_report(session, report, rejection, user_id=user_id)
        except CaseworkError as error:
            result.refused[report_id] = str(error)
        else:
            result.applied.append(report_id)
    return result
