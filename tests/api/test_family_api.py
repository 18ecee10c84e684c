"""Relatives from a report into casework through the staff API (issue 12 items 1, 8)."""
import pytest
from sqlmodel import select

from tests.factories import make_report
from tracker.models import Report, ReportedRelative


def _report(session, **fields):
    report = make_report(session, reporter_name="Ahmetjan's sister", **fields)
    session.add(ReportedRelative(report_id=report.id, relationship_type="sibling", in_retaliation="likely", statuses=[
        {"status": "imprisoned", "date": "2019-01-01", "precision": "year", "sentence_months": 120}]))
    session.commit()
    return report


def test_the_proposal_lists_each_relative_and_posting_it_back_imports_them(client, session, auth):
    report = _report(session)
    response = client.get(f"/api/v1/reports/{report.id}/family", headers=auth)
    assert response.status_code == 200
    proposal = response.json
    [relative] = proposal["family"]["relatives"]
    assert relative["statuses"][0] == {**relative["statuses"][0], "status": "imprisoned", "status_date": "2019-01-01",
                                       "date_precision": "year", "sentence_months": 120}
    relative["retaliation_reason"] = "journalism"
    accepted = client.post(f"/api/v1/reports/{report.id}/family", headers=auth,
                           json={**proposal["incident"], "family": proposal["family"]})
    assert accepted.status_code == 201, accepted.json
    [relative_id] = accepted.json["relative_ids"]
    person = client.get(f"/api/v1/people/{relative_id}", headers=auth).json
    [status] = person["statuses"]
    assert (status["status"], status["track"], status["retaliation_reason"], status["sentence_months"]) == (
        "imprisoned", "custody", "journalism", 120)
    assert client.get(f"/api/v1/cases/{accepted.json['case_id']}", headers=auth).status_code == 200
    assert session.get(Report, report.id).status == "accepted"


def test_leaving_out_the_family_imports_the_proposal_as_it_stands(client, session, auth):
    report = _report(session)
    accepted = client.post(f"/api/v1/reports/{report.id}/family", headers=auth, json={"primary_tactic": "other"})
    assert accepted.status_code == 201 and len(accepted.json["relative_ids"]) == 1
    assert session.exec(select(ReportedRelative)).one().person_id == accepted.json["relative_ids"][0]
    again = client.post(f"/api/v1/reports/{report.id}/family", headers=auth, json={"primary_tactic": "other"})
    assert again.status_code == 409


@pytest.mark.parametrize(("path", "body", "expected"), [
    ("/api/v1/reports/999/family", {"primary_tactic": "other"}, 404),
    ("/api/v1/reports/{id}/family", {"primary_tactic": "nope"}, 422),
    ("/api/v1/reports/{id}/family", {"primary_tactic": "other", "family": {"relatives": [
        {"relationship_type": "sibling", "statuses": [{"status": "released", "status_date": "2999-01-01"}]}]}}, 422),
    ("/api/v1/reports/{id}/family/updates", {"incident_id": 999}, 404),
    ("/api/v1/incidents", {"primary_tactic": "other", "report_ids": [999]}, 404),
])
def test_unknown_ids_are_404_and_bad_input_422(client, session, auth, path, body, expected):
    report = _report(session)
    response = client.post(path.format(id=report.id), headers=auth, json=body)
    assert response.status_code == expected, response.json


def test_a_report_cited_by_an_incident_leaves_the_queue(client, session, auth):
    report = make_report(session)
    created = client.post("/api/v1/incidents", headers=auth,
                          json={"primary_tactic": "other", "report_ids": [report.id]})
    assert created.status_code == 201
    session.refresh(report)
    assert report.status == "accepted"


def test_later_facts_from_the_reporter_are_proposed_then_applied(client, session, auth):
    report = _report(session)
    accepted = client.post(f"/api/v1/reports/{report.id}/family", headers=auth, json={"primary_tactic": "other"}).json
    addition = Report(follow_up_of_id=report.id)
    session.add(addition)
    session.flush()
    session.add(ReportedRelative(report_id=addition.id, relationship_type="sibling", statuses=[
        {"status": "no_proof_of_life", "date": "2020-01-01", "precision": "year"}]))
    session.commit()
    [update] = client.get(f"/api/v1/reports/{report.id}/family/updates", headers=auth).json
    assert update["person_id"] == accepted["relative_ids"][0]
    assert [s["status"] for s in update["proposal"]["statuses"]] == ["no_proof_of_life"]
    applied = client.post(f"/api/v1/reports/{report.id}/family/updates", headers=auth,
                          json={"incident_id": accepted["incident"]["id"]})
    assert applied.status_code == 200
    statuses = client.get(f"/api/v1/people/{update['person_id']}", headers=auth).json["statuses"]
    assert [(s["status"], s["track"]) for s in statuses] == [("imprisoned", "custody"), ("no_proof_of_life", "contact")]
    assert client.get(f"/api/v1/reports/{report.id}/family/updates", headers=auth).json == []
