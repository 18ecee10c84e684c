"""The staff API for verification and evidence: caseworker tokens only, audited like the pages."""
import pytest
from sqlmodel import select

from tests.factories import make_evidence, make_incident, make_report
from tracker.models import AuditEvent, ClaimSource, CustodyEvent


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/reports/1/verification"), ("put", "/api/v1/reports/1/verification"),
    ("post", "/api/v1/reports/1/claim-sources"), ("get", "/api/v1/incidents/1/verification"),
    ("put", "/api/v1/incidents/1/verification"), ("post", "/api/v1/incidents/1/claim-sources"),
    ("delete", "/api/v1/claim-sources/1"), ("get", "/api/v1/evidence/1"), ("get", "/api/v1/evidence/1/file"),
    ("post", "/api/v1/evidence/1/custody"), ("post", "/api/v1/evidence/1/integrity"),
])
@pytest.mark.parametrize(("role", "expected"), [(None, 401), ("analyst", 403), ("admin", 403)])
def test_only_caseworker_tokens_are_accepted(client, bearer, method, path, role, expected):
    assert getattr(client, method)(path, json={}, headers=bearer(role)).status_code == expected


def test_verification_of_a_report_with_claim_sources(client, session, auth):
    report = make_report(session)
    evidence = make_evidence(session, report)
    base = f"/api/v1/reports/{report.id}"
    level = client.put(f"{base}/verification", headers=auth, json={"verification": "corroborated"})
    assert level.status_code == 200 and level.json["verification"] == "corroborated"
    added = client.post(f"{base}/claim-sources", headers=auth, json={
        "claim": "date", "source_type": "evidence_item", "evidence_id": evidence.id, "note": "call log"})
    assert added.status_code == 201
    assert (added.json["claim"], added.json["evidence_id"], added.json["note"]) == ("date", evidence.id, "call log")
    read = client.get(f"{base}/verification", headers=auth).json
    assert read["verification"] == "corroborated" and [s["id"] for s in read["claim_sources"]] == [added.json["id"]]
    bad = client.post(f"{base}/claim-sources", headers=auth, json={"claim": "date", "source_type": "evidence_item"})
    assert bad.status_code == 409
    invalid = client.put(f"{base}/verification", headers=auth, json={"verification": "certain"})
    assert invalid.status_code == 422 and "verification" in invalid.json["fields"]
    assert client.delete(f"/api/v1/claim-sources/{added.json['id']}", headers=auth).status_code == 200
    assert session.exec(select(ClaimSource)).all() == []
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))
               if e.action.startswith(("report.", "claim_source."))]
    assert actions == ["report.verify", "claim_source.add", "report.view", "claim_source.remove"]


def test_verification_of_an_incident(client, session, auth):
    incident = make_incident(session)
    base = f"/api/v1/incidents/{incident.id}"
    added = client.post(f"{base}/claim-sources", headers=auth, json={"claim": "perpetrator",
                                                                     "source_type": "official_statement"})
    assert added.status_code == 201 and added.json["incident_id"] == incident.id
    assert client.put(f"{base}/verification", headers=auth, json={"verification": "verified"}).status_code == 200
    assert client.get(f"{base}/verification", headers=auth).json["verification"] == "verified"
    assert client.get("/api/v1/incidents/999999/verification", headers=auth).status_code == 404


def test_evidence_download_custody_and_integrity(client, session, auth):
    report = make_report(session)
    evidence = make_evidence(session, report, b"what the officer said\n")
    download = client.get(f"/api/v1/evidence/{evidence.id}/file", headers=auth)
    assert download.status_code == 200 and download.data == b"what the officer said\n"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/api/v1/evidence/{evidence.id}/file?copy=original", headers=auth).status_code == 404
    recorded = client.post(f"/api/v1/evidence/{evidence.id}/custody", headers=auth,
                           json={"action": "shared_with_partner"})
    assert recorded.status_code == 201
    assert client.post(f"/api/v1/evidence/{evidence.id}/custody", headers=auth,
                       json={"action": "lost"}).status_code == 409
    assert client.post(f"/api/v1/evidence/{evidence.id}/integrity", headers=auth).json["intact"] is True
    facts = client.get(f"/api/v1/evidence/{evidence.id}", headers=auth).json
    assert facts["sha256"] == evidence.sha256 and "original_filename" not in facts
    assert [e["action"] for e in facts["custody"]] == ["received", "downloaded", "shared_with_partner",
                                                     "integrity_confirmed"]
    assert len(session.exec(select(CustodyEvent)).all()) == 4  # received at intake, then three here
    views = session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.view")).all()
    assert [(v.actor, v.object_id) for v in views] == [("api", str(evidence.id))] * 2
