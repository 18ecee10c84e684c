"""The staff casework API: bearer tokens, caseworkers only, same validation and audit as the pages."""
from datetime import date

import pytest
from sqlmodel import select

from tests.factories import make_report
from tracker.models import AuditEvent


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/api/v1/incidents"), ("get", "/api/v1/incidents/1"), ("put", "/api/v1/incidents/1"),
    ("post", "/api/v1/incidents/1/involvements"), ("post", "/api/v1/cases"), ("get", "/api/v1/cases/1"),
    ("post", "/api/v1/people"), ("get", "/api/v1/people?q=x"), ("get", "/api/v1/people/1"),
    ("post", "/api/v1/relationships"), ("post", "/api/v1/statuses"),
])
@pytest.mark.parametrize(("role", "expected"), [(None, 401), ("analyst", 403), ("admin", 403)])
def test_only_caseworker_tokens_are_accepted(client, bearer, method, path, role, expected):
    assert getattr(client, method)(path, json={}, headers=bearer(role)).status_code == expected


def test_the_scenario_through_the_api(client, session, auth):
    report = make_report(session)
    incident = client.post("/api/v1/incidents", headers=auth, json={
        "primary_tactic": "coercion_by_proxy", "origin_country": "CN", "host_country": "US",
        "start_date": "2018-04-12", "start_precision": "exact", "report_ids": [report.id],
        "perpetrator_types": ["state_security"]})
    assert incident.status_code == 201, incident.json
    incident_id = incident.json["id"]
    assert incident.json["report_ids"] == [report.id]
    son = client.post("/api/v1/people", headers=auth, json={"names": [{"name": "Erkin Yasin"}]}).json
    father = client.post("/api/v1/people", headers=auth, json={"names": [{"name": "ياسىن", "script": "Arab"}]}).json
    link = client.post("/api/v1/relationships", headers=auth, json={
        "person_id": son["id"], "related_person_id": father["id"], "relationship_type": "parent"})
    assert link.status_code == 201
    status = client.post("/api/v1/statuses", headers=auth, json={
        "person_id": father["id"], "relationship_id": link.json["id"], "status": "detained_administrative",
        "status_date": "2018-04-12", "date_precision": "exact", "in_retaliation": "yes", "incident_id": incident_id})
    assert status.status_code == 201 and status.json["place_text"] is None
    assert client.post(f"/api/v1/incidents/{incident_id}/involvements", headers=auth,
                       json={"person_id": son["id"], "role": "target"}).status_code == 201
    case = client.post("/api/v1/cases", headers=auth, json={"primary_person_id": son["id"],
                                                            "incident_ids": [incident_id]})
    assert case.status_code == 201 and case.json["incident_ids"] == [incident_id]
    read = client.get(f"/api/v1/cases/{case.json['id']}", headers=auth).json
    assert [e["kind"] for e in read["timeline"]] == ["incident"]
    person = client.get(f"/api/v1/people/{father['id']}", headers=auth).json
    assert person["statuses"][0]["status_date"] == date(2018, 4, 12).isoformat()
    assert [p["id"] for p in client.get("/api/v1/people?q=erkin", headers=auth).json] == [son["id"]]
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.actor == "api")).all()
    assert {"case.view", "person.view", "person.search"} <= set(actions)


def test_errors_are_json_with_fields(client, session, auth):
    bad = client.post("/api/v1/incidents", headers=auth, json={"primary_tactic": "nope", "origin_country": "ZZ"})
    assert bad.status_code == 422 and {"primary_tactic", "origin_country"} <= set(bad.json["fields"])
    assert client.get("/api/v1/incidents/999", headers=auth).status_code == 404
    same = client.post("/api/v1/people", headers=auth, json={}).json["id"]
    loop = client.post("/api/v1/relationships", headers=auth, json={
        "person_id": same, "related_person_id": same, "relationship_type": "parent"})
    assert loop.status_code == 422
    update = client.put("/api/v1/incidents/999", headers=auth, json={"primary_tactic": "other"})
    assert update.status_code == 404


def test_every_casework_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/incidents", "/incidents/{incident_id}", "/cases", "/cases/{case_id}", "/people",
                 "/people/{person_id}", "/relationships", "/statuses"):
        assert path in paths
    assert paths["/people"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PersonInput")
