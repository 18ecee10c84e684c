"""A report's page and the triage actions on it."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _, ngettext
from pydantic import ValidationError
from sqlmodel import select

from ...db import get_session
from ...models import Incident, IncidentReport, Report, User
from ...models.inputs import MessageCreate
from ..errors import CaseworkError
from ..incidents import create_incident, get_incident
from ..inputs import IncidentWithSources, Rejection, TriageUpdate
from ..messages import mark_reporter_messages_read, send_to_reporter, thread
from ..family import accept_with_family, apply_update, proposed_family, proposed_updates
from ..triage import (
    OPEN_STATUSES, accept_report_as_incidents, get_report, incident_draft, mark_duplicate, reject_report,
    reopen_report, update_triage,
)
from . import audit_view, bp, caseworker_only, done, explain, int_arg, refused, user_id
from .evidence import evidence_items
from .family_form import family_form_values, family_suggestions, family_values, form_draft, read_family
from .forms import read_form
from .verification import verification_section


def report_incidents(report_id: int) -> list[Incident]:
    """The incidents that cite a report."""
    return list(get_session().exec(select(Incident).join(IncidentReport, IncidentReport.incident_id == Incident.id)
                                   .where(IncidentReport.report_id == report_id).order_by(Incident.id)).all())


def caseworkers() -> list[User]:
    """Active caseworkers, for the assignment menu."""
    return list(get_session().exec(select(User).where(User.role == "caseworker", User.active.is_(True))
                                   .order_by(User.email)).all())


@bp.get("/reports/<int:report_id>")
@caseworker_only
def report(report_id: int):
    """Everything the reporter sent, the thread, and the triage forms."""
    session = get_session()
    found = get_report(session, report_id)
    audit_view("report", found.id)
    messages = thread(session, found.id)
    mark_reporter_messages_read(session, found.id)
    session.commit()
    return render_template("casework/report.html", report=found, messages=messages,
                           incidents=report_incidents(found.id), caseworkers=caseworkers(),
                           family_updates=proposed_updates(session, found) if found.status == "accepted" else [],
                           evidence=evidence_items(found), verification=verification_section(found))


def accept_page(report: Report, draft: dict, family: dict | None, status: int = 200):
    """The accept form: the incident pre-filled from the report and, while the report is open, its people."""
    suggestions = family_suggestions(get_session(), family) if family else {}
    return render_template("casework/incident_form.html", report=report, draft=draft, family=family,
                           suggestions=suggestions, action=request.path), status


@bp.route("/reports/<int:report_id>/accept", methods=["GET", "POST"])
@caseworker_only
def accept(report_id: int):
    """Accept a report as an incident, pre-filled from what the reporter said, with the people it names."""
    session = get_session()
    found = get_report(session, report_id)
    open_report = found.status in OPEN_STATUSES
    if request.method == "GET":
        audit_view("report", found.id)
        family = family_form_values(proposed_family(session, found)) if open_report else None
        return accept_page(found, incident_draft(found), family)
    family = family_values(request.form) if open_report else None
    if request.form.get("preview"):  # "check for people already recorded": show the form again, save nothing
        return accept_page(found, form_draft(request.form), family)
    try:
        draft = read_form(IncidentWithSources, request.form, report_ids=[])
        perpetrators = draft.perpetrator_types
        plan = read_family(request.form) if open_report else None
        if plan is not None:
            incident, _family = accept_with_family(session, found, draft, plan, user_id=user_id(),
                                                   perpetrator_types=perpetrators)
        elif open_report:
            [incident] = accept_report_as_incidents(session, found, [draft], user_id=user_id(),
                                                    perpetrator_types=perpetrators)
        else:  # a further incident from an accepted report
            incident = create_incident(session, draft, user_id=user_id(), report_ids=[found.id],
                                       perpetrator_types=perpetrators)
    except (ValidationError, CaseworkError) as error:
        explain(error)
        return accept_page(found, form_draft(request.form), family, 422)
    return done(_("Incident recorded."), "casework.incident", incident_id=incident.id)


@bp.post("/reports/<int:report_id>/triage")
@caseworker_only
def triage(report_id: int):
    """Assign the report and set its priority, risk and verification."""
    session = get_session()
    found = get_report(session, report_id)
    try:
        update_triage(session, found, read_form(TriageUpdate, request.form), user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.report", report_id=report_id)
    return done(_("Triage saved."), "casework.report", report_id=report_id)


@bp.post("/reports/<int:report_id>/duplicate")
@caseworker_only
def duplicate(report_id: int):
    """Mark the report a duplicate of another report."""
    session = get_session()
    found = get_report(session, report_id)
    try:
        original_id = int_arg("original_id")
        if original_id is None:
            raise CaseworkError(_("Give the number of the original report."))
        original = mark_duplicate(session, found, original_id, user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.report", report_id=report_id)
    return done(_("Marked as a duplicate of report %(id)s.", id=original.id), "casework.report",
                report_id=report_id)


@bp.post("/reports/<int:report_id>/reject")
@caseworker_only
def reject(report_id: int):
    """Reject the report or mark it spam, with a reason."""
    session = get_session()
    found = get_report(session, report_id)
    try:
        reject_report(session, found, read_form(Rejection, request.form), user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, "casework.report", report_id=report_id)
    return done(_("Report closed."), "casework.report", report_id=report_id)


@bp.post("/reports/<int:report_id>/reopen")
@caseworker_only
def reopen(report_id: int):
    """Put a closed report back in triage."""
    session = get_session()
    try:
        reopen_report(session, get_report(session, report_id), user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.report", report_id=report_id)
    return done(_("Report reopened."), "casework.report", report_id=report_id)


@bp.post("/reports/<int:report_id>/messages")
@caseworker_only
def message(report_id: int):
    """Write to the reporter; they read it in their receipt inbox."""
    session = get_session()
    found = get_report(session, report_id)
    try:
        send_to_reporter(session, found, read_form(MessageCreate, request.form), user_id=user_id())
    except ValidationError as error:
        return refused(error, "casework.report", report_id=report_id)
    return done(_("Message sent."), "casework.report", report_id=report_id)


@bp.post("/reports/<int:report_id>/family-updates")
@caseworker_only
def apply_family_updates(report_id: int):
    """Add the new facts of the reporter's later additions to the histories of the people they are about."""
    session = get_session()
    found = get_report(session, report_id)
    try:
        incident_id = int_arg("incident_id")
        if incident_id is not None:
            get_incident(session, incident_id)
        updates = proposed_updates(session, found)
        for update in updates:
            apply_update(session, update, incident_id, user_id=user_id())
    except CaseworkError as error:
        return refused(error, "casework.report", report_id=report_id)
    return done(ngettext("%(num)d person's history updated.", "%(num)d people's histories updated.", len(updates)),
                "casework.report", report_id=report_id)
