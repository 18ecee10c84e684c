"""Triage decisions on a report: accept, duplicate, reject, reopen, assign."""
import pytest
from sqlmodel import select

from tracker.casework.errors import Conflict, InvalidTransition
from tracker.casework.inputs import Rejection, TriageUpdate
from tracker.casework.triage import (
    accept_report_as_incidents, incident_draft, mark_duplicate, reject_report, reopen_report, update_triage,
)
from tracker.models import IncidentReport
from tracker.models.inputs import IncidentCreate
from tests.factories import make_report, make_user


def test_a_draft_is_prefilled_from_the_report(session):
    report = make_report(session, tactics=("coercion_by_proxy", "information_demand"))
    draft = IncidentCreate.model_validate(incident_draft(report))
    assert draft.primary_tactic in {"coercion_by_proxy", "information_demand"}
    assert draft.origin_country == "CN" and draft.host_country == "TR"
    assert draft.summary == report.narrative


def test_accepting_makes_incidents_that_cite_the_report(session):
    report = make_report(session)
    drafts = [IncidentCreate(primary_tactic="coercion_by_proxy"),
              IncidentCreate(primary_tactic="surveillance_monitoring")]
    incidents = accept_report_as_incidents(session, report, drafts, user_id=None)
    session.commit()
    assert report.status == "accepted"
    cited = session.exec(select(IncidentReport.incident_id).where(IncidentReport.report_id == report.id)).all()
    assert sorted(cited) == sorted(i.id for i in incidents)
    with pytest.raises(InvalidTransition):
        accept_report_as_incidents(session, report, drafts, user_id=None)


def test_a_duplicate_joins_the_original_incidents(session):
    original = make_report(session)
    [incident] = accept_report_as_incidents(session, original, [IncidentCreate(primary_tactic="other")], user_id=None)
    copy = make_report(session)
    later = make_report(session)
    mark_duplicate(session, copy, original.id, user_id=None)
    assert mark_duplicate(session, later, copy.id, user_id=None).id == original.id  # follows the chain
    session.commit()
    assert copy.status == "duplicate" and copy.duplicate_of_id == original.id
    cited = session.exec(select(IncidentReport.report_id).where(IncidentReport.incident_id == incident.id)).all()
    assert sorted(cited) == sorted([original.id, copy.id, later.id])
    assert copy.narrative == original.narrative  # nothing the reporter sent is altered


def test_a_report_cannot_duplicate_itself(session):
    report = make_report(session)
    with pytest.raises(Conflict):
        mark_duplicate(session, report, report.id, user_id=None)


@pytest.mark.parametrize(("spam", "status"), [(False, "rejected"), (True, "spam")])
def test_rejecting_keeps_a_reason_and_can_be_undone(session, spam, status):
    report = make_report(session)
    reject_report(session, report, Rejection(reason="not about repression", spam=spam), user_id=None)
    assert (report.status, report.status_reason) == (status, "not about repression")
    reopen_report(session, report, user_id=None)
    assert report.status == "in_triage" and report.status_reason is None


def test_triage_assigns_only_active_caseworkers(session):
    report = make_report(session)
    caseworker, analyst = make_user(session, "caseworker"), make_user(session, "analyst")
    update_triage(session, report, TriageUpdate(assigned_to_id=caseworker.id, priority="high",
                                                risk_level="high", verification="credible"), user_id=None)
    assert (report.status, report.assigned_to_id, report.verification) == ("in_triage", caseworker.id, "credible")
    with pytest.raises(Conflict):
        update_triage(session, report, TriageUpdate(assigned_to_id=analyst.id), user_id=None)
