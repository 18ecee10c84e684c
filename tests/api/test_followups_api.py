"""The staff API for a case's people and follow-ups, and the inbox (issue 12 §7)."""
import pytest

from tests.factories import make_case, make_person
from tracker.models import CasePerson, Notification


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/cases/1/follow-ups"), ("post", "/api/v1/cases/1/follow-ups"), ("post", "/api/v1/cases/1/people"),
    ("delete", "/api/v1/cases/1/people/1"), ("get", "/api/v1/inbox"), ("post", "/api/v1/inbox/1/read"),
])
@pytest.mark.parametrize(("role", "expected"), [(None, 401), ("analyst", 403), ("admin", 403)])
def test_only_caseworker_tokens_are_accepted(client, bearer, method, path, role, expected):
    assert getattr(client, method)(path, json={}, headers=bearer(role)).status_code == expected


def test_case_people_are_added_and_removed(client, session, auth):
    case = make_case(session)
    person = make_person(session)
    added = client.post(f"/api/v1/cases/{case.id}/people", headers=auth, json={"person_id": person.id,
                                                                             "role": "relative"})
    assert added.status_code == 200 and session.get(CasePerson, (case.id, person.id)) is not None
    assert client.post(f"/api/v1/cases/{case.id}/people", headers=auth, json={"person_id": 999999}).status_code == 404
    assert client.post(f"/api/v1/cases/{case.id}/people", headers=auth, json={}).status_code == 422
    assert client.delete(f"/api/v1/cases/{case.id}/people/{person.id}", headers=auth).status_code == 200
    session.expire_all()
    assert session.get(CasePerson, (case.id, person.id)) is None
    assert client.delete(f"/api/v1/cases/{case.id}/people/{person.id}", headers=auth).status_code == 404


def test_follow_ups_are_scheduled_and_listed(client, session, auth):
    case = make_case(session)
    made = client.post(f"/api/v1/cases/{case.id}/follow-ups", headers=auth, json={
        "what": "Ask the family for proof of life", "first_due": "2027-01-01", "every_days": 90})
    assert made.status_code == 201 and made.json["every_days"] == 90
    listed = client.get(f"/api/v1/cases/{case.id}/follow-ups", headers=auth).json["follow_ups"]
    assert [f["what"] for f in listed] == ["Ask the family for proof of life"]
    for bad in ({"what": " ", "first_due": "2027-01-01"}, {"what": "x", "first_due": "soon"},
                {"what": "x", "first_due": "2027-01-01", "every_days": 0}):
        assert client.post(f"/api/v1/cases/{case.id}/follow-ups", headers=auth, json=bad).status_code == 422
    assert client.get("/api/v1/cases/999999/follow-ups", headers=auth).status_code == 404


def test_the_inbox_holds_only_ones_own_notices(client, session, auth, bearer):
    from tracker.api.tokens import token_owner

    owner, _token = token_owner(session, auth["Authorization"])
    notice = Notification(user_id=owner.id, kind="urgent_report", object_type="report", object_id=1)
    session.add(notice)
    session.commit()
    assert [n["id"] for n in client.get("/api/v1/inbox", headers=auth).json["notices"]] == [notice.id]
    assert client.get("/api/v1/inbox", headers=bearer()).json["notices"] == []
    assert client.post(f"/api/v1/inbox/{notice.id}/read", headers=bearer()).status_code == 404
    assert client.post(f"/api/v1/inbox/{notice.id}/read", headers=auth).status_code == 200
    assert client.get("/api/v1/inbox", headers=auth).json["notices"] == []
