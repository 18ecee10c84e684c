"""Statistics queries: which records count, each person once per cell, coarsening, filters."""
from __future__ import annotations

from datetime import date

import pytest

from tests.factories import add_status, make_incident, make_person, make_relative, make_report
from tracker.analytics.statistics import Filters, UnknownDimension
from tracker.analytics.tables import incident_table, relative_table
from tracker.models import IncidentCode, IncidentReport, Involvement

K = 3


@pytest.fixture
def app_config() -> dict:
    """A small threshold keeps the fixtures short; the rules are the same."""
    return {"SUPPRESSION_THRESHOLD": K}


def targeted(session, person=None, report=None, tactics=(), **fields):
    """An incident against ``person`` (a new one if not given), drawn from ``report`` if given."""
    person = person or make_person(session)
    incident = make_incident(session, **fields)
    session.add(Involvement(incident_id=incident.id, person_id=person.id, role="target"))
    for code in tactics:
        session.add(IncidentCode(incident_id=incident.id, vocabulary="tactic", code=code))
    if report is not None:
        session.add(IncidentReport(incident_id=incident.id, report_id=report.id))
    session.commit()
    return incident


def counts(table) -> dict:
    return {cell.key: cell.count for cell in table.cells}


def test_incidents_count_with_consent_or_without_any_report_but_never_against_refusal(session):
    for _ in range(4):
        targeted(session, report=make_report(session, consent_statistics=True), host_country="TR")
    for _ in range(4):
        targeted(session, host_country="DE")  # recorded by a caseworker, no report behind it
    for _ in range(4):
        targeted(session, report=make_report(session, consent_statistics=False), host_country="US")
    mixed = targeted(session, report=make_report(session, consent_statistics=False), host_country="US")
    session.add(IncidentReport(incident_id=mixed.id, report_id=make_report(session, consent_statistics=True).id))
    session.commit()
    table = incident_table(session, ["host_country"])
    assert table.total == 9  # 4 consenting + 4 without a report + the mixed one
    assert counts(table)[("US",)] is None  # one person: withheld


def test_each_person_counts_once_per_cell(session):
    repeated = make_person(session)
    for month in range(1, 7):
        targeted(session, person=repeated, start_date=date(2023, month, 1))
    for _ in range(3):
        targeted(session, start_date=date(2023, 1, 5))
    table = incident_table(session, ["year"])
    assert counts(table) == {("2023",): 4}
    assert table.total == 4


def test_dates_are_coarsened_to_months_and_years(session):
    for _ in range(3):
        targeted(session, start_date=date(2022, 7, 19), start_precision="exact")
        targeted(session, start_date=date(2021, 1, 1), start_precision="year")
        targeted(session, start_date=None, start_precision="unknown")
    assert set(counts(incident_table(session, ["month"]))) == {("2022-07",), ("2021",), ("unknown",)}


def test_tactics_roll_up_to_freedom_house_categories_once_per_person(session):
    for _ in range(3):
        targeted(session, primary_tactic="assault", tactics=("physical_intimidation",))
    table = incident_table(session, ["tactic_category"])
    assert counts(table) == {("direct_attack",): 3}
    physical = incident_table(session, ["physical"])
    assert counts(physical) == {("yes",): 3}


@pytest.mark.parametrize("filters, expected", [
    (Filters(community="tibetan"), 3),
    (Filters(origin_country="CN"), 7),
    (Filters(host_country="IN"), 3),
    (Filters(verification="verified"), 3),
    (Filters(year="2020"), 3),
    (Filters(year="2019"), 4),
    (Filters(year="2021"), None),  # nobody: the table is withheld whole
])
def test_filters_narrow_the_counted_incidents(session, filters, expected):
    for _ in range(4):
        targeted(session, community="uyghur", host_country="TR", start_date=date(2019, 5, 1))
    for _ in range(3):
        targeted(session, community="tibetan", host_country="IN", verification="verified",
                 start_date=date(2020, 3, 31), start_precision="exact")
    assert incident_table(session, ["community"], filters).total == expected


def test_periods_are_whole_years_and_malformed_or_retired_ones_are_ignored():
    """Issue 16: month ranges one month apart were differenced; a period is now one calendar year."""
    filters = Filters.from_args({"period_from": "2020-01", "period_to": "2021-02", "community": " "})
    assert filters == Filters()
    assert Filters.from_args({"year": "2020-03"}) == Filters()
    assert Filters.from_args({"year": "2020"}) == Filters(year="2020")


def test_unknown_dimensions_are_refused(session):
    with pytest.raises(UnknownDimension):
        incident_table(session, ["narrative"])


def test_relatives_detained_in_retaliation_by_year_and_origin(session):
    # Half of them in retaliation: each side reaches the threshold, so nothing needs withholding
    # (with 3 and 1, "in retaliation" would be withheld too, or 4 - 3 would reveal the 1).
    for n in range(8):
        reporter = make_person(session)
        incident = targeted(session, person=reporter, report=make_report(session), origin_country="CN")
        relative, link = make_relative(session, reporter)
        add_status(session, relative, "questioned", date(2021, 2, 1), incident_id=incident.id, in_retaliation="yes")
        add_status(session, relative, "detained_administrative", date(2021, 5, 1), incident_id=incident.id,
                   in_retaliation="yes" if n % 2 else "no", relationship_id=link.id)
        add_status(session, relative, "imprisoned", date(2022, 1, 1), incident_id=incident.id,
                   in_retaliation="likely" if n % 2 else "no")
    detained = relative_table(session, ["status_year", "origin_country"], group="detention", retaliation_only=True)
    assert counts(detained) == {("2021", "CN"): 4, ("2022", "CN"): 4}
    everyone = relative_table(session, ["status_group"])
    assert counts(everyone) == {("detention",): 8, ("pressure",): 8}
    assert everyone.total == 8


def test_relatives_by_what_the_retaliation_was_for(session):
    """Issue 12 §2: the retaliation reason is a coded field analysts can break counts down by."""
    for n in range(8):
        reporter = make_person(session)
        incident = targeted(session, person=reporter, report=make_report(session), origin_country="CN")
        relative, _link = make_relative(session, reporter)
        add_status(session, relative, "imprisoned", date(2021, 5, 1), incident_id=incident.id, in_retaliation="yes",
                   retaliation_reason="journalism" if n % 2 else "relative_activism")
    table = relative_table(session, ["retaliation_reason"])
    assert counts(table) == {("journalism",): 4, ("relative_activism",): 4}


def test_incidents_without_a_code_of_the_breakdown_count_in_the_total_only(session):
    for _ in range(3):
        incident = targeted(session)
        session.add(IncidentCode(incident_id=incident.id, vocabulary="channel", code="wechat"))
    for _ in range(3):
        targeted(session)  # no channel recorded
    session.commit()
    table = incident_table(session, ["channel"])
    assert counts(table) == {("wechat",): 3}
    assert table.total == 6
