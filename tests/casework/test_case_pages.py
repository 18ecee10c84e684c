"""Cases through HTTP: the list and its paging, status and assignment, attaching incidents and people."""
from sqlmodel import select

from tests.conftest import post_form
from tests.factories import make_case, make_incident, make_person, make_user
from tracker.models import Case, CaseNote, CasePerson, Intervention


def post(client, url, data, **kwargs):
    return post_form(client, url, data, form_url="/casework/cases", **kwargs)


def test_the_list_pages_by_id_and_filters(signed_in, session, caseworker, monkeypatch):
    from tracker.casework.views import cases as views

    monkeypatch.setattr(views, "CASES_PER_PAGE", 2)
    made = [make_case(session, status="open" if n % 2 else "closed") for n in range(5)]
    shown = lambda page: [case.id for case in made if f'/casework/cases/{case.id}"' in page]  # noqa: E731
    assert shown(signed_in.get("/casework/cases").get_data(as_text=True)) == [made[3].id, made[4].id]
    assert shown(signed_in.get(f"/casework/cases?before={made[3].id}").get_data(as_text=True)) == [
        made[1].id, made[2].id]
    assert shown(signed_in.get("/casework/cases?status=closed").get_data(as_text=True)) == [made[2].id, made[4].id]
    mine = make_case(session, assigned_to_id=caseworker.id)
    assert f'/casework/cases/{mine.id}"' in signed_in.get("/casework/cases?mine=1").get_data(as_text=True)
    assert shown(signed_in.get("/casework/cases?mine=1").get_data(as_text=True)) == []

def test_open_a_case_and_work_on_it(signed_in, session, caseworker):
    person = make_person(session)
    response = post(signed_in, "/casework/cases", {"title": "Family of P", "primary_person_id": str(person.id),
                                                   "priority": "high"})
    case = session.exec(select(Case)).one()
    assert response.headers["Location"].endswith(f"/casework/cases/{case.id}")
    assert session.get(CasePerson, (case.id, person.id)).role == "primary"
    post(signed_in, f"/casework/cases/{case.id}", {"assigned_to_id": str(caseworker.id), "status": "referred",
                                                   "priority": "urgent", "risk_level": "high"})
    session.refresh(case)
    assert (case.assigned_to_id, case.status, case.priority, case.risk_level) == (
        caseworker.id, "referred", "urgent", "high")
    incident, witness = make_incident(session), make_person(session)
    post(signed_in, f"/casework/cases/{case.id}/incidents", {"incident_id": str(incident.id)})
    post(signed_in, f"/casework/cases/{case.id}/people", {"person_id": str(witness.id), "role": "witness"})
    post(signed_in, f"/casework/cases/{case.id}/notes", {"body": "Lawyer found."})
    post(signed_in, f"/casework/cases/{case.id}/interventions", {
        "intervention_type": "legal_aid", "outcome": "partially_successful", "outcome_note": "Bail refused."})
    session.refresh(incident)
    assert incident.case_id == case.id
    assert session.get(CasePerson, (case.id, witness.id)).role == "witness"
    assert session.exec(select(CaseNote.body)).one() == "Lawyer found."
    assert session.exec(select(Intervention.outcome)).one() == "partially_successful"
    page = signed_in.get(f"/casework/cases/{case.id}").get_data(as_text=True)
    assert "Lawyer found." in page and "Bail refused." in page and witness.pseudonym in page


def test_refusals_keep_the_case_unchanged(signed_in, session):
    case, analyst = make_case(session), make_user(session, "analyst")
    refused = post(signed_in, f"/casework/cases/{case.id}", {"assigned_to_id": str(analyst.id), "status": "open"},
                   follow_redirects=True)
    assert "active caseworker" in refused.get_data(as_text=True)
    other = make_case(session)
    incident = make_incident(session, case_id=other.id)
    taken = post(signed_in, f"/casework/cases/{case.id}/incidents", {"incident_id": str(incident.id)},
                 follow_redirects=True)
    assert "another case" in taken.get_data(as_text=True)
    session.refresh(case)
    assert case.assigned_to_id is None
