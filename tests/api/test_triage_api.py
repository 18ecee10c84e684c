"""The staff API for triage: queue, report, decisions, bulk, saved searches (issue 12 §7)."""
import pytest
from sqlmodel import select

from tests.factories import make_incident, make_report
from tracker.models import AuditEvent, IncidentReport, Report


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/queue"), ("post", "/api/v1/searches"), ("get", "/api/v1/reports/1"),
    ("post", "/api/v1/reports/1/triage"), ("post", "/api/v1/reports/1/reject"), ("post", "/api/v1/reports/1/reopen"),
    ("post", "/api/v1/reports/1/incident"), ("post", "/api/v1/bulk"),
])
@pytest.mark.parametrize(("role", "expected"), [(None, 401), ("analyst", 403), ("admin", 403)])
def test_only_caseworker_tokens_are_accepted(client, bearer, method, path, role, expected):
    assert getattr(client, method)(path, json={}, headers=bearer(role)).status_code == expected


def test_the_queue_filters_and_refuses_unknown_codes(client, session, auth):
    tibetan = make_report(session, community="tibetan")
    make_report(session, community="uyghur")
    page = client.get("/api/v1/queue?community=tibetan", headers=auth)
    assert page.status_code == 200 and [r["id"] for r in page.json["reports"]] == [tibetan.id]
    assert "narrative" not in page.json["reports"][0]
    for bad in ("community=martian", "origin_country=ZZ", "status=bogus", "submitted_from=yesterday", "limit=0",
                "colour=red"):
        assert client.get(f"/api/v1/queue?{bad}", headers=auth).status_code == 422, bad


def test_a_search_is_saved_and_used_by_id(client, session, auth, bearer):
    make_report(session, narrative="They asked about my brother in Ghulja.")
    make_report(session, narrative="Nothing about that town.")
    saved = client.post("/api/v1/searches", headers=auth, json={"words": "Ghulja"})
    assert saved.status_code == 201
    page = client.get(f"/api/v1/queue?search={saved.json['id']}", headers=auth).json
    assert len(page["reports"]) == 1
    assert client.get(f"/api/v1/queue?search={saved.json['id']}", headers=bearer()).status_code == 404
    assert client.post("/api/v1/searches", headers=auth, json={"words": "  "}).status_code == 422


def test_report_detail_and_decisions(client, session, auth):
    report = make_report(session)
    detail = client.get(f"/api/v1/reports/{report.id}", headers=auth)
    assert detail.status_code == 200 and detail.json["narrative"] == report.narrative
    assert client.get("/api/v1/reports/999999", headers=auth).status_code == 404
    assert client.post(f"/api/v1/reports/{report.id}/reject", headers=auth, json={}).status_code == 422
    spam = client.post(f"/api/v1/reports/{report.id}/reject", headers=auth, json={"reason": "flood", "spam": True})
    assert spam.status_code == 200 and spam.json["status"] == "spam"
    assert client.post(f"/api/v1/reports/{report.id}/reject", headers=auth,
                       json={"reason": "again"}).status_code == 409
    assert client.post(f"/api/v1/reports/{report.id}/reopen", headers=auth).json["status"] == "in_triage"
    triaged = client.post(f"/api/v1/reports/{report.id}/triage", headers=auth, json={"priority": "high"})
    assert triaged.status_code == 200 and triaged.json["priority"] == "high"
    assert client.post(f"/api/v1/reports/{report.id}/triage", headers=auth,
                       json={"priority": "whenever"}).status_code == 422


def test_a_report_is_accepted_into_an_existing_incident(client, session, auth):
    report = make_report(session)
    incident = make_incident(session)
    assert client.post(f"/api/v1/reports/{report.id}/incident", headers=auth,
                       json={"incident_id": 999999}).status_code == 404
    accepted = client.post(f"/api/v1/reports/{report.id}/incident", headers=auth, json={"incident_id": incident.id})
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert session.get(IncidentReport, (incident.id, report.id)) is not None


def test_bulk_through_the_api_reports_refusals(client, session, auth):
    reports = [make_report(session) for _ in range(3)]
    closed = make_report(session, status="accepted")
    answer = client.post("/api/v1/bulk", headers=auth, json={
        "action": "spam", "reason": "flood", "report_ids": [r.id for r in reports] + [closed.id, 999999]})
    assert answer.status_code == 200
    assert answer.json["applied"] == [r.id for r in reports]
    assert set(answer.json["refused"]) == {str(closed.id), "999999"}
    session.expire_all()
    assert {session.get(Report, r.id).status for r in reports} == {"spam"}
    audited = session.exec(select(AuditEvent.object_id).where(AuditEvent.action == "report.reject")).all()
    assert sorted(int(i) for i in audited) == [r.id for r in reports]
    assert client.post("/api/v1/bulk", headers=auth, json={"action": "explode", "report_ids": [1]}).status_code == 422
    assert client.post("/api/v1/bulk", headers=auth, json={"action": "assign", "report_ids": [reports[0].id],
                                                            "assigned_to_id": 999999}).status_code == 409
