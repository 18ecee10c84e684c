"""Need to know (issue 16 §4): a caseworker sees the records of their own communities only, and
everything else answers as if it did not exist, on the web and through the API."""
from __future__ import annotations

import pytest

from tests.conftest import TEST_ORG_KID, TEST_ORG_PRIVATE, login_as
from tests.factories import make_case, make_incident, make_person, make_report, make_user
from tracker.api.tokens import issue_token
from tracker.casework.people import index_names


@pytest.fixture
def records(session):
    """One of each kind of record for the Tibetan and the Uyghur community, and a report of no community."""
    made = {}
    for community in ("tibetan", "uyghur"):
        person = make_person(session, community=community, names=[{"name": f"Canary {community}", "script": "Latn"}])
        index_names(session, person)
        session.commit()
        made[community] = {
            "report": make_report(session, community=community, narrative=f"{community} narrative"),
            "incident": make_incident(session, community=community),
            "person": person,
            "case": make_case(session, primary_person_id=person.id),
        }
    made["none"] = make_report(session, community=None, narrative="no community yet")
    return made


@pytest.fixture
def tibetan_desk(app, session):
    """A caseworker of the Tibetan community only, signed in."""
    user = make_user(session, communities=["tibetan"])
    client = app.test_client()
    assert login_as(client, user).status_code == 302
    client.user = user
    return client


def test_pages_of_other_communities_do_not_exist_for_them(tibetan_desk, records):
    mine, theirs = records["tibetan"], records["uyghur"]
    for kind, path in (("report", "reports"), ("incident", "incidents"), ("person", "people"), ("case", "cases")):
        assert tibetan_desk.get(f"/casework/{path}/{mine[kind].id}").status_code == 200, kind
        assert tibetan_desk.get(f"/casework/{path}/{theirs[kind].id}").status_code == 404, kind
    assert tibetan_desk.get(f"/casework/reports/{records['none'].id}").status_code == 404


def test_the_queue_and_searches_list_only_their_communities(tibetan_desk, records):
    queue = tibetan_desk.get("/casework/").get_data(as_text=True)
    assert f"/casework/reports/{records['tibetan']['report'].id}" in queue
    assert f"/casework/reports/{records['uyghur']['report'].id}" not in queue
    cases = tibetan_desk.get("/casework/cases").get_data(as_text=True)
    assert records["tibetan"]["case"].reference in cases and records["uyghur"]["case"].reference not in cases


def test_unassigned_membership_reaches_reports_with_no_community(app, session, records):
    triage = make_user(session, communities=["unassigned"])
    client = app.test_client()
    login_as(client, triage)
    assert client.get(f"/casework/reports/{records['none'].id}").status_code == 200
    assert client.get(f"/casework/reports/{records['tibetan']['report'].id}").status_code == 404


def test_an_assigned_case_is_visible_to_its_caseworker_whatever_its_community(app, session, records):
    worker = make_user(session, communities=["tibetan"])
    case = records["uyghur"]["case"]
    case.assigned_to_id = worker.id
    session.add(case)
    session.commit()
    client = app.test_client()
    login_as(client, worker)
    assert client.get(f"/casework/cases/{case.id}").status_code == 200


def test_the_api_hides_other_communities_the_same_way(client, session, records):
    user = make_user(session, communities=["tibetan"])
    _row, token = issue_token(session, user.id, "script", organisation_key=(TEST_ORG_KID, TEST_ORG_PRIVATE))
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/people/{records['tibetan']['person'].id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/people/{records['uyghur']['person'].id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/incidents/{records['uyghur']['incident'].id}", headers=headers).status_code == 404
    found = client.get("/api/v1/people", query_string={"q": "Canary"}, headers=headers).get_json()
    assert [p["id"] for p in found] == [records["tibetan"]["person"].id]


def test_an_account_with_no_community_sees_no_record(app, session, records):
    newcomer = make_user(session, communities=[])
    client = app.test_client()
    login_as(client, newcomer)
    assert client.get(f"/casework/reports/{records['tibetan']['report'].id}").status_code == 404
    queue = client.get("/casework/").get_data(as_text=True)
    assert all(f"/casework/reports/{r.id}\"" not in queue
               for r in (records["tibetan"]["report"], records["uyghur"]["report"], records["none"]))


def test_a_queue_search_naming_someone_of_another_community_shows_none_of_their_reports(tibetan_desk, records):
    # The name "Canary" belongs to one person of each community: the search resolves both (and
    # their merges) by id, and the queue's own community clause keeps the other one's reports out.
    answer = tibetan_desk.get("/casework/?status=open&q=Canary+uyghur")
    assert answer.status_code == 200
    assert f"/casework/reports/{records['uyghur']['report'].id}" not in answer.get_data(as_text=True)
    assert tibetan_desk.get("/casework/?status=open&q=Canary").status_code == 200
