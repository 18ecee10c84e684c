"""Data models reject bad input before it reaches a table model."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from tracker.models.inputs import (
    CaseCreate, IncidentCreate, PersonCreate, RelationshipCreate, RelativeStatusCreate, ReportCreate,
)


def test_a_minimal_report_needs_nothing_identifying():
    report = ReportCreate()
    assert report.reporter_name is None and report.contact is None and report.narrative is None


@pytest.mark.parametrize("field, value", [
    ("tactics", ["not_a_tactic"]),
    ("channels", ["carrier_pigeon"]),
    ("community", "martians"),
    ("origin_country", "XX"),
    ("host_country", "usa"),
    ("event_date_precision", "sometime"),
    ("narrative", "x" * 20_001),
])
def test_report_rejects_unknown_codes_countries_and_overlong_text(field, value):
    with pytest.raises(ValidationError) as excinfo:
        ReportCreate(**{field: value})
    assert excinfo.value.errors()[0]["loc"][0] == field


def test_report_date_is_coarsened_to_its_precision():
    assert ReportCreate(event_date=date(2024, 3, 17), event_date_precision="month").event_date == date(2024, 3, 1)
    assert ReportCreate(event_date=date(2024, 3, 17), event_date_precision="year").event_date == date(2024, 1, 1)
    assert ReportCreate(event_date=date(2024, 3, 17), event_date_precision="unknown").event_date is None


def test_report_date_cannot_be_in_the_future():
    with pytest.raises(ValidationError):
        ReportCreate(event_date=date.today() + timedelta(days=2), event_date_precision="exact")


def test_relatives_and_their_statuses_are_validated():
    report = ReportCreate(relatives=[{"relationship_type": "parent", "residence_country": "CN",
                                      "statuses": [{"status": "detained_administrative",
                                                    "status_date": "2018-04-09", "date_precision": "month"}],
                                      "in_retaliation": "yes"}])
    assert report.relatives[0].statuses[0].status_date == date(2018, 4, 1)
    with pytest.raises(ValidationError):
        ReportCreate(relatives=[{"relationship_type": "parent", "statuses": [{"status": "vanished"}]}])


def test_incident_lists_its_primary_tactic_and_checks_dates():
    incident = IncidentCreate(primary_tactic="coercion_by_proxy", tactics=["spyware"])
    assert incident.tactics == ["coercion_by_proxy", "spyware"]
    with pytest.raises(ValidationError, match="ends before it starts"):
        IncidentCreate(primary_tactic="assault", start_date=date(2020, 5, 1), start_precision="exact",
                       end_date=date(2020, 4, 1), end_precision="exact")


def test_person_names_carry_an_iso_15924_script():
    person = PersonCreate(names=[{"name": "ئەزىز", "script": "Arab"}, {"name": "Aziz"}])
    assert [n.script for n in person.names] == ["Arab", "Latn"]
    with pytest.raises(ValidationError):
        PersonCreate(names=[{"name": "x", "script": "arabic"}])
    with pytest.raises(ValidationError):
        PersonCreate(names=[{"name": "   "}])


def test_a_person_cannot_be_their_own_relative():
    with pytest.raises(ValidationError, match="themselves"):
        RelationshipCreate(person_id=1, related_person_id=1, relationship_type="parent")


def test_relative_status_checks_codes_and_sentence():
    status = RelativeStatusCreate(person_id=1, status="imprisoned", in_retaliation="likely", sentence_months=120)
    assert status.sentence_months == 120
    with pytest.raises(ValidationError):
        RelativeStatusCreate(person_id=1, status="imprisoned", in_retaliation="perhaps")
    with pytest.raises(ValidationError):
        RelativeStatusCreate(person_id=1, status="imprisoned", sentence_months=-1)


def test_case_codes_are_checked():
    assert CaseCreate(status="monitoring", priority="urgent").priority == "urgent"
    with pytest.raises(ValidationError):
        CaseCreate(status="forgotten")
