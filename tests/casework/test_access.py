"""Who may open casework pages: caseworkers only (DESIGN §1, least privilege)."""
import pytest

from tests.conftest import login_as, post_form
from tests.factories import make_case, make_incident, make_person, make_report, make_user

PAGES = [
    "/casework/", "/casework/reports/{report}", "/casework/reports/{report}/accept", "/casework/incidents/{incident}",
    "/casework/people", "/casework/people/{person}", "/casework/cases", "/casework/cases/{case}",
    "/casework/cases/{case}/diagram.svg",
]
ACTIONS = [
    "/casework/reports/{report}/triage", "/casework/reports/{report}/reject", "/casework/reports/{report}/messages",
    "/casework/reports/{report}/accept", "/casework/incidents/{incident}", "/casework/incidents/{incident}/people",
    "/casework/people", "/casework/people/{person}/statuses", "/casework/people/{person}/merge",
    "/casework/cases", "/casework/cases/{case}/notes", "/casework/cases/{case}/interventions",
]
# role -> (status of every page, status of every change); None is not signed in. A caseworker's
# refused accept form is shown again with what was typed (422) instead of redirecting.
SHOWN_AGAIN = {"/casework/reports/{report}/accept": 422}
ACCESS = {None: (302, 302), "analyst": (403, 403), "admin": (403, 403), "caseworker": (200, 303)}


@pytest.fixture
def objects(session):
    return {"report": make_report(session).id, "incident": make_incident(session).id,
            "person": make_person(session).id, "case": make_case(session).id}


@pytest.mark.parametrize("role", list(ACCESS))
def test_pages_and_changes_by_role(client, session, objects, role):
    page_status, change_status = ACCESS[role]
    if role:
        login_as(client, make_user(session, role))
    form_url = "/staff/account" if role else "/staff/login"  # any page of theirs with a CSRF token
    for page in PAGES:
        response = client.get(page.format(**objects))
        assert response.status_code == page_status, page
    for action in ACTIONS:
        response = post_form(client, action.format(**objects), {"body": "x"}, form_url=form_url)
        expected = SHOWN_AGAIN.get(action, change_status) if role == "caseworker" else change_status
        assert response.status_code == expected, action
        if role is None:
            assert "/staff/login" in response.headers["Location"]


def test_unknown_objects_are_404(signed_in):
    for page in ("/casework/reports/999", "/casework/incidents/999", "/casework/people/999", "/casework/cases/999",
                 "/casework/cases/999/diagram.svg"):
        assert signed_in.get(page).status_code == 404, page
