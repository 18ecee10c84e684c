"""Incidents through HTTP: the editor, people, links between incidents, places and cases."""
from sqlmodel import select

from tests.conftest import post_form
from tests.factories import make_case, make_incident, make_person
from tracker.models import IncidentLink, Involvement, Location


def post(client, url, data, **kwargs):
    return post_form(client, url, data, form_url="/casework/people", **kwargs)


def test_the_editor_saves_the_full_taxonomy(signed_in, session):
    incident = make_incident(session)
    post(signed_in, f"/casework/incidents/{incident.id}", {
        "primary_tactic": "interpol_abuse", "tactics": ["legal_harassment"], "channels": ["legal_process"],
        "demands": ["return_to_origin"], "perpetrator_types": ["police"], "origin_country": "KH",
        "host_country": "TH", "start_date": "2023-05-05", "start_precision": "year", "end_date": "2023-09-01",
        "end_precision": "exact", "host_state_role": "cooperated", "verification": "verified", "severity": "4"})
    session.refresh(incident)
    assert (incident.primary_tactic, incident.start_date.isoformat(), incident.host_state_role, incident.severity) == (
        "interpol_abuse", "2023-01-01", "cooperated", 4)
    assert incident.codes_of("tactic") == ["interpol_abuse", "legal_harassment"]
    assert incident.codes_of("perpetrator_type") == ["police"] and incident.codes_of("demand") == ["return_to_origin"]
    refused = post(signed_in, f"/casework/incidents/{incident.id}", {
        "primary_tactic": "other", "perpetrator_types": ["aliens"]}, follow_redirects=True)
    assert "perpetrator_types" in refused.get_data(as_text=True)


def test_people_links_and_cases(signed_in, session):
    incident, other = make_incident(session), make_incident(session)
    person = make_person(session)
    post(signed_in, f"/casework/incidents/{incident.id}/people", {
        "person_id": str(person.id), "role": "perpetrator", "perpetrator_type": "state_security",
        "attribution": "likely"})
    involvement = session.exec(select(Involvement)).one()
    assert (involvement.role, involvement.attribution) == ("perpetrator", "likely")
    post(signed_in, f"/casework/incidents/{incident.id}/links", {"to_incident_id": str(other.id),
                                                                "link_type": "caused"})
    assert session.exec(select(IncidentLink.to_incident_id)).one() == other.id
    case = make_case(session, reference="TNR-2026-00099")
    moved = post(signed_in, f"/casework/incidents/{incident.id}/case", {"reference": "tnr-2026-00099"})
    assert moved.headers["Location"].endswith(f"/casework/cases/{case.id}")
    session.refresh(incident)
    assert incident.case_id == case.id
    missing = post(signed_in, f"/casework/incidents/{other.id}/case", {"reference": "TNR-1999-00001"},
                   follow_redirects=True)
    assert "No case has this reference" in missing.get_data(as_text=True)


def test_places_are_chosen_from_the_geocoders_candidates(signed_in, session):
    incident = make_incident(session)
    page = signed_in.get(f"/casework/incidents/{incident.id}?place=Kashgar&place_country=CN").get_data(as_text=True)
    assert 'name="gazetteer_id"' in page
    assert "GeoNames" in page and "CC BY 4.0" in page  # the gazetteer's licence asks for attribution
    chosen = page.split('name="gazetteer_id" value="', 1)[1].split('"', 1)[0]
    post(signed_in, f"/casework/incidents/{incident.id}/place", {"place": "Kashgar", "place_country": "CN",
                                                                "gazetteer_id": chosen})
    location = session.exec(select(Location)).one()
    assert (location.country, location.status, location.raw_text) == ("CN", "manual", "Kashgar")
    session.refresh(incident)
    assert incident.location_id == location.id
    wrong = post(signed_in, f"/casework/incidents/{incident.id}/place",
                 {"place": "Kashgar", "gazetteer_id": "nowhere"}, follow_redirects=True)
    assert "not among the candidates" in wrong.get_data(as_text=True)


def test_a_place_the_gazetteer_lacks_can_be_set_by_hand(signed_in, session):
    incident = make_incident(session)
    post(signed_in, f"/casework/incidents/{incident.id}/place/by-hand",
         {"name": "Camp near Kashgar", "lat": "39.4712", "lon": "76.0123", "precision": "city"})
    location = session.exec(select(Location)).one()
    assert (location.status, location.geocoder, location.country) == ("manual", "manual", "CN")
    assert location.raw_text == "Camp near Kashgar" and location.name == "Camp near Kashgar"
    assert (location.lat, location.lon) == (39.47, 76.01)  # rounded to what "city" supports
    session.refresh(incident)
    assert incident.location_id == location.id
    for bad in ({"lat": "north", "lon": "76", "precision": "city"},
                {"lat": "95", "lon": "76", "precision": "city"},
                {"lat": "39.4", "lon": "76", "precision": "point"}):
        post(signed_in, f"/casework/incidents/{incident.id}/place/by-hand", bad)
    assert len(session.exec(select(Location)).all()) == 1


def test_likely_duplicates_are_listed_merged_and_unmerged(signed_in, session):
    person = make_person(session)
    first, second = make_incident(session), make_incident(session)
    for incident in (first, second):
        session.add(Involvement(incident_id=incident.id, person_id=person.id, role="target"))
    session.commit()
    page = signed_in.get(f"/casework/incidents/{first.id}").get_data(as_text=True)
    assert "Possible duplicates" in page and f"/casework/incidents/{second.id}" in page
    post(signed_in, f"/casework/incidents/{first.id}/merge", {"drop_id": str(second.id)})
    session.refresh(second)
    assert second.merged_into_id == first.id
    assert "Merged into" in signed_in.get(f"/casework/incidents/{second.id}").get_data(as_text=True)
    post(signed_in, f"/casework/incidents/{second.id}/unmerge", {})
    session.refresh(second)
    assert second.merged_into_id is None
