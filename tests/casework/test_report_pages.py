"""Triage through HTTP: the report page, accepting, duplicates, rejection, assignment, messages."""
from sqlmodel import select

from tests.conftest import post_form
from tests.factories import make_report
from tracker.models import AuditEvent, Incident, IncidentReport, Message, Report


def _actions(session):
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_report_page_shows_what_was_sent_and_audits_the_view(signed_in, session, caseworker):
    report = make_report(session, narrative="They took my brother's passport.", urgent_risk=True)
    page = signed_in.get(f"/casework/reports/{report.id}").get_data(as_text=True)
    assert "They took my brother&#39;s passport." in page and "urgent danger" in page
    view = session.exec(select(AuditEvent).where(AuditEvent.action == "report.view")).one()
    assert (view.user_id, view.object_id, view.detail) == (caseworker.id, str(report.id), None)


def test_accepting_prefills_and_creates_an_incident(signed_in, session):
    report = make_report(session, tactics=("information_demand",))
    form = signed_in.get(f"/casework/reports/{report.id}/accept").get_data(as_text=True)
    assert 'value="information_demand" selected' in form and 'value="CN" selected' in form
    response = post_form(signed_in, f"/casework/reports/{report.id}/accept", {
        "primary_tactic": "information_demand", "tactics": ["surveillance_monitoring"], "channels": ["wechat"],
        "perpetrator_types": ["state_security"], "origin_country": "CN", "host_country": "TR",
        "start_date": "2024-03-09", "start_precision": "month", "verification": "credible", "title": "Calls"})
    assert response.status_code == 303
    incident = session.exec(select(Incident)).one()
    assert response.headers["Location"].endswith(f"/casework/incidents/{incident.id}")
    assert incident.start_date.isoformat() == "2024-03-01"  # month precision drops the day
    assert incident.codes_of("perpetrator_type") == ["state_security"]
    assert incident.codes_of("tactic") == ["information_demand", "surveillance_monitoring"]
    session.refresh(report)
    assert report.status == "accepted"
    # A second incident from the same, now accepted, report.
    post_form(signed_in, f"/casework/reports/{report.id}/accept", {"primary_tactic": "spyware"})
    assert len(session.exec(select(IncidentReport).where(IncidentReport.report_id == report.id)).all()) == 2


def test_invalid_input_is_explained_and_nothing_is_saved(signed_in, session):
    report = make_report(session)
    response = post_form(signed_in, f"/casework/reports/{report.id}/accept",
                         {"primary_tactic": "not_a_tactic", "origin_country": "ZZ"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "primary_tactic" in page and "origin_country" in page
    assert session.exec(select(Incident)).all() == []


def test_duplicate_reject_and_reopen(signed_in, session):
    original, copy = make_report(session), make_report(session)
    post_form(signed_in, f"/casework/reports/{copy.id}/duplicate", {"original_id": str(original.id)},
              form_url=f"/casework/reports/{copy.id}")
    session.refresh(copy)
    assert (copy.status, copy.duplicate_of_id) == ("duplicate", original.id)
    post_form(signed_in, f"/casework/reports/{copy.id}/reopen", {}, form_url=f"/casework/reports/{copy.id}")
    post_form(signed_in, f"/casework/reports/{copy.id}/reject", {"reason": "advertising", "spam": "1"},
              form_url=f"/casework/reports/{copy.id}")
    session.refresh(copy)
    assert (copy.status, copy.status_reason) == ("spam", "advertising")
    assert {"report.duplicate", "report.reopen", "report.reject"} <= set(_actions(session))


def test_triage_assigns_and_sets_priority_risk_and_verification(signed_in, session, caseworker):
    report = make_report(session)
    post_form(signed_in, f"/casework/reports/{report.id}/triage", {
        "assigned_to_id": str(caseworker.id), "priority": "urgent", "risk_level": "critical",
        "verification": "corroborated"}, form_url=f"/casework/reports/{report.id}")
    session.refresh(report)
    assert (report.status, report.assigned_to_id, report.priority, report.risk_level, report.verification) == (
        "in_triage", caseworker.id, "urgent", "critical", "corroborated")


def test_messages_both_ways_with_unread_markers(signed_in, session):
    report = make_report(session)
    session.add(Message(report_id=report.id, direction="from_reporter", body="My father called."))
    session.commit()
    queue = signed_in.get("/casework/").get_data(as_text=True)
    assert "1 unread" in queue
    page = signed_in.get(f"/casework/reports/{report.id}").get_data(as_text=True)
    assert "My father called." in page
    assert "1 unread" not in signed_in.get("/casework/").get_data(as_text=True)
    post_form(signed_in, f"/casework/reports/{report.id}/messages", {"body": "When was the call?"},
              form_url=f"/casework/reports/{report.id}")
    sent = session.exec(select(Message).where(Message.direction == "to_reporter")).one()
    assert sent.body == "When was the call?" and sent.read_at is None
    assert "not read yet" in signed_in.get(f"/casework/reports/{report.id}").get_data(as_text=True)
    assert session.get(Report, report.id).status == "new"  # a question does not change the status
