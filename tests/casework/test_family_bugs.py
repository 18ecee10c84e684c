"""Regression tests for the bugs of issue 12 item 8 that live in casework pages."""
from datetime import date, timedelta

from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tests.casework.test_scenario_pages import post
from tests.factories import add_status, make_person, make_report
from tests.html_forms import form_fields
from tracker.casework.incidents import create_incident
from tracker.casework.queue import QueueFilters, queue_page
from tracker.models import Person, RelativeStatus
from tracker.models.inputs import IncidentCreate


def test_saving_a_person_without_changes_keeps_their_citizenships(signed_in, session):
    person = make_person(session, citizenships=["CN", "TR"], residence_country="TR")
    page = signed_in.get(f"/casework/people/{person.id}").get_data(as_text=True)
    fields = MultiDict(form_fields(page, f"/casework/people/{person.id}"))
    assert signed_in.post(f"/casework/people/{person.id}", data=fields).status_code == 303
    session.expire_all()
    assert sorted(session.get(Person, person.id).citizenships) == ["CN", "TR"]


def test_a_status_date_in_the_future_is_refused(signed_in, session):
    person = make_person(session)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    post(signed_in, f"/casework/people/{person.id}/statuses",
         {"status": "detained_criminal", "status_date": tomorrow, "date_precision": "exact"})
    assert session.exec(select(RelativeStatus)).first() is None


def test_a_year_only_date_shows_as_the_year_and_statuses_are_in_date_order(signed_in, session):
    person = make_person(session)
    add_status(session, person, "released", date(2023, 5, 2))
    add_status(session, person, "no_proof_of_life", date(2020, 1, 1), date_precision="year")
    add_status(session, person, "imprisoned", date(2019, 3, 1), date_precision="month")
    add_status(session, person, "questioned", None, date_precision="unknown")
    page = signed_in.get(f"/casework/people/{person.id}").get_data(as_text=True)
    history = page[page.index('class="status-history"'):]
    assert "<time>2020</time>" in history and "2020-01-01" not in history
    assert "<time>2019-03</time>" in history
    order = [history.index(f"status-{code} ") for code in ("imprisoned", "no_proof_of_life", "released", "questioned")]
    assert order == sorted(order)
    # Both tracks hold at once: the custody status stays "Sentenced to prison" until the release.
    assert "Now" in page


def test_a_report_cited_by_an_incident_leaves_the_open_queue(session):
    report, untouched = make_report(session), make_report(session)
    create_incident(session, IncidentCreate(primary_tactic="other"), user_id=None, report_ids=[report.id])
    session.commit()
    assert [r.id for r in queue_page(session, QueueFilters()).reports] == [untouched.id]
    assert report.status == "accepted"
