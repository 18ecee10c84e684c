"""Analytics test data: enough people for published cells, each carrying planted personal values.

Every value in PLANTED is personal data a leak would show; tests scan analyst responses for them.
"""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import login_as
from tests.factories import add_status, make_case, make_incident, make_person, make_relative, make_report, make_user
from tracker.models import IncidentCode, IncidentReport, Involvement, Location, Message

K = 3
PLANTED = {
    "name": "Gulbahar Planted-Name",
    "native_name": "گۈلباھار",
    "narrative": "PLANTED-NARRATIVE police visited my mother",
    "contact": "planted.reporter@example.org",
    "reporter_name": "Reporter Planted-Surname",
    "place_text": "PLANTED-PLACE 12 Quiet Street",
    "location_name": "Plantedville",
    "latitude": "41.0123",
    "incident_title": "PLANTED-TITLE father taken",
    "incident_summary": "PLANTED-SUMMARY of what happened",
    "pseudonym": "P-PLANTED",
    "case_reference": "TNR-PLANTED-0001",
    "message": "PLANTED-MESSAGE please call me",
    "status_place": "PLANTED-DETENTION-CENTRE",
}


@pytest.fixture
def app_config() -> dict:
    """A small threshold keeps fixtures short; the rules are the same at the default 10."""
    return {"SUPPRESSION_THRESHOLD": K}


def _story(session, n: int, host: str, tactic: str) -> None:
    """One reporter, their consenting report, an incident against them and a detained relative."""
    person = make_person(session, names=[{"name": f"{PLANTED['name']} {n}", "script": "Latn"},
                                         {"name": PLANTED["native_name"], "script": "Arab"}],
                         pseudonym=f"{PLANTED['pseudonym']}-{n}", residence_place=PLANTED["place_text"])
    report = make_report(session, narrative=PLANTED["narrative"], contact=PLANTED["contact"],
                         reporter_name=PLANTED["reporter_name"], place_text=PLANTED["place_text"])
    session.add(Message(report_id=report.id, direction="from_reporter", body=PLANTED["message"]))
    location = Location(raw_text=PLANTED["place_text"], name=PLANTED["location_name"], country=host,
                        lat=float(PLANTED["latitude"]), lon=28.9784, precision="point", status="geocoded")
    session.add(location)
    session.commit()
    case = make_case(session, reference=f"{PLANTED['case_reference']}-{n}", title=PLANTED["incident_title"])
    incident = make_incident(session, primary_tactic=tactic, host_country=host, title=PLANTED["incident_title"],
                             summary=PLANTED["incident_summary"], location_id=location.id, case_id=case.id,
                             start_date=date(2023, 1 + n % 3, 9), start_precision="exact")
    session.add(Involvement(incident_id=incident.id, person_id=person.id, role="target"))
    session.add(IncidentCode(incident_id=incident.id, vocabulary="channel", code="wechat"))
    session.add(IncidentReport(incident_id=incident.id, report_id=report.id))
    session.commit()
    relative, link = make_relative(session, person)
    add_status(session, relative, "detained_administrative", date(2023, 3, 1), incident_id=incident.id,
               in_retaliation="yes", relationship_id=link.id, place_text=PLANTED["status_place"])


@pytest.fixture
def populated(session):
    """Twelve stories across two host countries and two tactics, all with planted personal data."""
    for n in range(12):
        _story(session, n, host="TR" if n < 8 else "DE", tactic="coercion_by_proxy" if n % 2 else "assault")
    return session


@pytest.fixture
def analyst(session):
    """An analyst account."""
    return make_user(session, "analyst")


@pytest.fixture
def analyst_client(client, analyst):
    """A client signed in as the analyst."""
    response = login_as(client, analyst)
    assert response.status_code in (302, 303)
    return client
