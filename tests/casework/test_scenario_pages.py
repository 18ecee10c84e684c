"""The seed scenario through HTTP, as a caseworker would click it: a report in, an incident, people,
a father detained in Kashgar in 2018 in retaliation for his son's journalism in the US, later
sentenced, no proof of life; a case with its timeline and diagram; then the statistics question."""
import re

from sqlmodel import select

from tests.conftest import post_form
from tests.factories import make_report
from tracker.casework.queries import DetentionCount, relatives_detained_in_retaliation
from tracker.models import AuditEvent, Case, Incident, Person, PersonRelationship


def post(client, url, data):
    """Submit a casework form with the CSRF token any casework page carries."""
    return post_form(client, url, data, form_url="/casework/people")


def _new_id(response, kind):
    return int(re.search(rf"/casework/{kind}/(\d+)$", response.headers["Location"]).group(1))


def test_a_caseworker_documents_a_father_detained_in_retaliation(signed_in, session):
    report = make_report(session, community="uyghur", origin_country="CN", host_country="US",
                         narrative="My father was detained in Kashgar after my articles.")
    accepted = post(signed_in, f"/casework/reports/{report.id}/accept", {
        "primary_tactic": "coercion_by_proxy", "origin_country": "CN", "host_country": "US",
        "start_date": "2018-04-01", "start_precision": "month", "community": "uyghur"})
    incident_id = _new_id(accepted, "incidents")
    son = _new_id(post(signed_in, "/casework/people", {
        "name": ["Erkin Yasin", "ئەركىن ياسىن"], "script": ["Latn", "Arab"], "residence_country": "US",
        "target_types": ["journalist"], "community": "uyghur"}), "people")
    father = _new_id(post(signed_in, "/casework/people", {
        "name": ["Yasin Tursun"], "script": ["Latn"], "residence_country": "CN", "residence_place": "Kashgar",
        "birth_year": "1955"}), "people")
    for person_id, role in ((son, "target"), (father, "relative_targeted")):
        post(signed_in, f"/casework/incidents/{incident_id}/people", {"person_id": str(person_id), "role": role})
    post(signed_in, f"/casework/people/{son}/relationships",
              {"related_person_id": str(father), "relationship_type": "parent"})
    link = session.exec(select(PersonRelationship)).one()
    for status, when, precision, extra in (
        ("detained_administrative", "2018-04-12", "exact", {"place_text": "Kashgar"}),
        ("imprisoned", "2019-11-20", "month", {"sentence_months": "180"}),
        ("contact_lost", "", "unknown", {"notes": "No proof of life since the trial."}),
    ):
        response = post(signed_in, f"/casework/people/{father}/statuses", {
            "status": status, "status_date": when, "date_precision": precision, "in_retaliation": "yes",
            "incident_id": str(incident_id), "relationship_id": str(link.id), "source": "the son", **extra})
        assert response.status_code == 303
    opened = post(signed_in, "/casework/cases", {"incident_id": str(incident_id), "title": "Yasin family",
                                                 "primary_person_id": str(son)})
    case_id = _new_id(opened, "cases")
    post(signed_in, f"/casework/cases/{case_id}/people", {"person_id": str(father), "role": "relative"})
    post(signed_in, f"/casework/cases/{case_id}/interventions", {
        "intervention_type": "un_urgent_appeal", "intervention_date": "2020-02-01", "outcome": "no_response"})
    post(signed_in, f"/casework/cases/{case_id}/notes", {"body": "Son asked us to keep his name private."})

    page = signed_in.get(f"/casework/cases/{case_id}").get_data(as_text=True)
    timeline = page[page.index('class="timeline"'):]
    order = [timeline.index(text) for text in ("Incident #", "Held without trial", "Sentenced to prison",
                                               "UN urgent appeal", "Cannot be reached")]
    assert order == sorted(order), "the timeline is in date order, undated last"
    assert "<svg" in page and "Parent" in page and "Son asked us" in page
    assert "Yasin Tursun" not in page  # screens show pseudonyms; names only on the person page
    svg = signed_in.get(f"/casework/cases/{case_id}/diagram.svg")
    assert svg.mimetype == "image/svg+xml" and session.get(Person, father).pseudonym in svg.get_data(as_text=True)

    assert session.get(Incident, incident_id).case_id == case_id
    assert session.get(Case, case_id).reference.startswith("TNR-")
    assert relatives_detained_in_retaliation(session) == [DetentionCount(2018, "CN", 1), DetentionCount(2019, "CN", 1)]
    views = session.exec(select(AuditEvent.action).where(AuditEvent.action.like("%.view"))).all()
    assert "case.view" in views
    assert all("Yasin" not in (event.detail or "") for event in session.exec(select(AuditEvent)))
