"""Target type as a dimension (issue 12 §2): a person with several types counts once in each."""
from __future__ import annotations

from datetime import date

import pytest

from tests.factories import add_status, make_incident, make_person, make_relative, make_user
from tests.conftest import login_as
from tracker.analytics.dimensions import INCIDENT_DIMENSIONS, RELATIVE_DIMENSIONS, value_label
from tracker.analytics.statistics import incident_counts
from tracker.analytics.tables import incident_table, relative_table
from tracker.models import Involvement

K = 3


@pytest.fixture
def app_config() -> dict:
    """A small threshold keeps the fixtures short; the rules are the same."""
    return {"SUPPRESSION_THRESHOLD": K}


def targeted(session, types: list[str], **fields):
    person = make_person(session, target_types=types)
    incident = make_incident(session, **fields)
    session.add(Involvement(incident_id=incident.id, person_id=person.id, role="target"))
    session.commit()
    return person, incident


def test_people_by_target_type_count_once_in_each_of_their_types(session):
    for _ in range(3):
        targeted(session, ["journalist", "activist"])
    for _ in range(4):
        targeted(session, ["student"])
    for _ in range(3):
        targeted(session, [])
    person, _incident = targeted(session, ["journalist"])
    targeted(session, ["journalist"], host_country="DE")
    # The same journalist targeted twice is one person in the cell.
    second = make_incident(session)
    session.add(Involvement(incident_id=second.id, person_id=person.id, role="target"))
    session.commit()
    counts = incident_counts(session, ["target_type"])
    assert counts.cells == {("journalist",): 5, ("activist",): 3, ("student",): 4, ("unknown",): 3}
    assert counts.total == 12  # people, not the sum of the cells
    table = incident_table(session, ["target_type", "host_country"])
    assert {cell.key: cell.count for cell in table.cells}[("student", "US")] == 4


def test_a_code_that_contains_another_is_not_mistaken_for_it(session):
    for _ in range(3):
        targeted(session, ["human_rights_defender"])
    assert set(incident_counts(session, ["target_type"]).cells) == {("human_rights_defender",)}


def test_relatives_by_the_target_type_of_the_person_targeted(session):
    for n in range(6):
        reporter, incident = targeted(session, ["journalist"] if n < 3 else ["activist", "journalist"])
        relative, link = make_relative(session, reporter)
        add_status(session, relative, "imprisoned", date(2021, 5, 1), incident_id=incident.id, in_retaliation="yes",
                   relationship_id=link.id)
    table = relative_table(session, ["target_type"])
    assert {cell.key: cell.count for cell in table.cells} == {("journalist",): 6, ("activist",): 3}
    assert table.total == 6


def test_target_type_is_labelled_and_says_how_several_types_count(app):
    with app.test_request_context():
        assert value_label("target_type", "journalist") == "Journalist or writer"
        for catalogue in (INCIDENT_DIMENSIONS, RELATIVE_DIMENSIONS):
            assert "counted in each" in str(catalogue["target_type"].label) or \
                "counts once in each" in str(catalogue["target_type"].label)


def test_dashboard_api_and_export_break_counts_down_by_target_type(client, session):
    for _ in range(3):
        targeted(session, ["journalist"])
    analyst = make_user(session, "analyst")
    assert login_as(client, analyst).status_code in (302, 303)
    page = client.get("/analytics/").get_data(as_text=True)
    assert "Target type" in page and "Journalist or writer" in page
    export = client.get("/analytics/export/stats.csv?by=target_type")
    assert export.status_code == 200 and "journalist" in export.get_data(as_text=True).lower()
    relatives = client.get("/analytics/export/stats.json?by=target_type&of=relatives")
    assert relatives.status_code == 200


def test_the_statistics_api_breaks_counts_down_by_target_type(client, session):
    from tests.analytics.test_api_stats import bearer

    for _ in range(3):
        targeted(session, ["journalist"])
    document = client.get("/api/v1/stats/incidents?by=target_type", headers=bearer(session, "analyst")).get_json()
    assert document["cells"] == [{"values": ["journalist"], "labels": ["Journalist or writer"], "count": 3}]
