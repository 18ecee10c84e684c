"""The coalition letter's cases end to end through HTTP (issue 12): each stored without workarounds."""
from tests.factories import make_report
from tracker.analytics.statistics import relative_counts
from tracker.casework.groups import targeted_people
from tracker.models import ReportedRelative


def _family_report(session, relatives, **fields):
    report = make_report(session, **fields)
    session.add_all([ReportedRelative(report_id=report.id, **relative) for relative in relatives])
    session.commit()
    return report


def _accept(client, auth, report, **incident):
    response = client.post(f"/api/v1/reports/{report.id}/family", headers=auth, json=incident)
    assert response.status_code == 201, response.json
    return response.json


def test_uyghur_relatives_detained_in_retaliation_are_counted(client, session, auth):
    gulshan = _family_report(session, [dict(
        relationship_type="sibling", residence_country="CN", in_retaliation="yes", statuses=[
            {"status": "disappeared", "date": "2018-09-11", "precision": "exact"},
            {"status": "imprisoned", "date": "2020-12-01", "precision": "month", "sentence_months": 240}])],
        community="uyghur", origin_country="CN", host_country="US")
    qurban = _family_report(session, [dict(
        relationship_type="parent", in_retaliation="likely", statuses=[
            {"status": "detained_administrative", "date": "2017-12-01", "precision": "month"},
            {"status": "no_proof_of_life", "date": "2018-01-01", "precision": "year"}])],
        community="uyghur", origin_country="CN", host_country="US")
    ahmetjan = _family_report(session, [dict(
        relationship_type="sibling", in_retaliation="yes", statuses=[
            {"status": "imprisoned", "date": "2019-01-01", "precision": "year"}])],
        community="uyghur", origin_country="CN", host_country="SE")
    for report in (gulshan, qurban, ahmetjan):
        body = client.get(f"/api/v1/reports/{report.id}/family", headers=auth).json
        body["family"]["relatives"][0]["retaliation_reason"] = "advocacy_abroad"
        _accept(client, auth, report, primary_tactic="coercion_by_proxy", origin_country="CN",
                family=body["family"])
    detained = relative_counts(session, ["retaliation"], group="detention", retaliation_only=True)
    assert detained.total == 3
    case = client.get("/api/v1/cases/1", headers=auth).json
    assert {e["code"] for e in case["timeline"] if e["kind"] == "status"} >= {"disappeared", "imprisoned"}


def test_groups_transit_and_new_tactics(client, session, auth):
    hk47 = client.post("/api/v1/people", headers=auth, json={"pseudonym": "HK47", "group_size": 47,
                                                            "group_size_kind": "exact", "community": "hongkong"})
    assert hk47.status_code == 201 and hk47.json["is_group"] and hk47.json["group_size"] == 47
    incident = client.post("/api/v1/incidents", headers=auth, json={
        "primary_tactic": "legal_harassment", "tactics": ["detention_at_home"], "origin_country": "CN"}).json
    assert client.post(f"/api/v1/incidents/{incident['id']}/involvements", headers=auth,
                       json={"person_id": hk47.json["id"], "role": "target"}).status_code == 201
    expelled = client.post("/api/v1/people", headers=auth, json={
        "pseudonym": "NI222", "group_size": 222, "group_size_kind": "exact", "community": "nicaraguan"}).json
    expulsion = client.post("/api/v1/incidents", headers=auth, json={
        "primary_tactic": "mass_expulsion", "tactics": ["barred_from_return", "citizenship_revocation"],
        "origin_country": "NI", "host_country": "US", "start_date": "2023-02-09", "start_precision": "exact"}).json
    client.post(f"/api/v1/incidents/{expulsion['id']}/involvements", headers=auth,
                json={"person_id": expelled["id"], "role": "target"})
    assert targeted_people(session, [incident["id"], expulsion["id"]]) == 47 + 222
    rendition = client.post("/api/v1/incidents", headers=auth, json={
        "primary_tactic": "abduction_rendition", "tactics": ["lure_third_country"], "origin_country": "RW",
        "transit_country": "AE", "host_country": "BE", "start_date": "2020-08-27", "start_precision": "exact"})
    assert rendition.status_code == 201 and rendition.json["transit_country"] == "AE"
    tibetan = _family_report(session, [], community="tibetan", origin_country="CN", host_country="IN")
    go_sherab = _accept(client, auth, tibetan, primary_tactic="detention_at_home", origin_country="CN",
                        family={"target": {"person": {"names": [{"name": "Go Sherab Gyatso"}],
                                                      "target_types": ["religious_figure", "academic"]}}})
    status = client.post("/api/v1/statuses", headers=auth, json={
        "person_id": go_sherab["target_id"], "status": "imprisoned", "status_date": "2021-12-01",
        "date_precision": "month", "sentence_months": 120, "sentence_court": "Chengdu Intermediate People's Court",
        "health_concern": "untreated_illness", "health_note": "Respiratory illness", "in_retaliation": "yes",
        "retaliation_reason": "religion", "incident_id": go_sherab["incident"]["id"]})
    assert status.status_code == 201 and status.json["sentence_court"].startswith("Chengdu")
    zhang = client.post("/api/v1/people", headers=auth, json={"names": [{"name": "张展", "script": "Hans"}],
                                                              "target_types": ["journalist"]}).json
    zhang_status = client.post("/api/v1/statuses", headers=auth, json={
        "person_id": zhang["id"], "status": "imprisoned", "status_date": "2020-12-28", "date_precision": "exact",
        "sentence_months": 48, "sentence_charge": "picking quarrels", "health_concern": "hunger_strike",
        "retaliation_reason": "journalism"})
    assert zhang_status.status_code == 201 and zhang_status.json["health_concern"] == "hunger_strike"
