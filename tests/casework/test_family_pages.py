"""The accept form shows the report's relatives as proposed people; posting it as is imports them."""
from werkzeug.datastructures import MultiDict
from sqlmodel import select

from tests.casework.test_scenario_pages import post
from tests.factories import make_person, make_report
from tests.html_forms import form_fields
from tracker.casework.relatives import status_history
from tracker.models import Case, PersonRelationship, ReportedRelative


def _report(session):
    report = make_report(session, reporter_name="Rushan Abbas", submitter_role="self", host_country="US")
    session.add(ReportedRelative(report_id=report.id, relationship_type="sibling", residence_country="CN",
                                 in_retaliation="yes", statuses=[
                                     {"status": "detained_administrative", "date": "2018-09-11", "precision": "exact"},
                                     {"status": "imprisoned", "date": "2019-01-01", "precision": "year",
                                      "sentence_months": 240}]))
    session.commit()
    return report


def _accept_form(client, report):
    page = client.get(f"/casework/reports/{report.id}/accept")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_the_accept_form_proposes_each_relative_with_statuses_and_retaliation(signed_in, session):
    html = _accept_form(signed_in, _report(session))
    fields = MultiDict(form_fields(html, "/accept"))
    assert fields["relatives-0-relationship_type"] == "sibling"
    assert fields["relatives-0-action"] == "new"
    assert fields["relatives-0-in_retaliation"] == "yes"
    assert fields["relatives-0-statuses-1-status"] == "imprisoned"
    assert fields["relatives-0-statuses-1-date_precision"] == "year"
    assert fields["relatives-0-statuses-1-sentence_months"] == "240"
    assert fields.getlist("target-name")[0] == "Rushan Abbas"


def test_posting_the_prefilled_form_as_is_imports_the_people_and_opens_a_case(signed_in, session):
    report = _report(session)
    fields = MultiDict(form_fields(_accept_form(signed_in, report), "/accept"))
    response = signed_in.post(f"/casework/reports/{report.id}/accept", data=fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    link = session.exec(select(PersonRelationship)).one()
    assert link.relationship_type == "sibling"
    assert [s.status for s in status_history(session, link.related_person_id)] == [
        "detained_administrative", "imprisoned"]
    assert session.exec(select(Case)).one().primary_person_id == link.person_id
    assert session.exec(select(ReportedRelative)).one().person_id == link.related_person_id


def test_a_relative_can_be_linked_to_a_recorded_person_and_a_bad_date_keeps_what_was_typed(signed_in, session):
    report = _report(session)
    recorded = make_person(session)
    fields = MultiDict(form_fields(_accept_form(signed_in, report), "/accept"))
    fields["relatives-0-action"] = "link"
    fields["relatives-0-existing_id"] = str(recorded.id)
    fields["relatives-0-statuses-0-status_date"] = "2999-01-01"
    fields["title"] = "Typed title"
    refused = signed_in.post(f"/casework/reports/{report.id}/accept", data=fields)
    assert refused.status_code == 422
    assert 'value="Typed title"' in refused.get_data(as_text=True)
    assert 'value="2999-01-01"' in refused.get_data(as_text=True)
    fields["relatives-0-statuses-0-status_date"] = "2018-09-11"
    fields["relatives-0-statuses-1-health_concern"] = "untreated_illness"
    assert signed_in.post(f"/casework/reports/{report.id}/accept", data=fields).status_code == 303
    assert session.exec(select(PersonRelationship)).one().related_person_id == recorded.id
    assert [s.health_concern for s in status_history(session, recorded.id)] == [None, "untreated_illness"]


def test_checking_for_recorded_people_saves_nothing_and_suggests_by_name(signed_in, session):
    report = _report(session)
    known = make_person(session, names=[{"name": "Gulshan Abbas", "script": "Latn"}])
    from tracker.casework.people import index_names
    index_names(session, known)
    session.commit()
    fields = MultiDict(form_fields(_accept_form(signed_in, report), "/accept"))
    fields.setlist("relatives-0-name", ["Gulshan Abbas"])
    fields["preview"] = "1"
    page = signed_in.post(f"/casework/reports/{report.id}/accept", data=fields)
    assert page.status_code == 200 and known.pseudonym in page.get_data(as_text=True)
    assert session.exec(select(PersonRelationship)).first() is None


def test_a_later_addition_about_a_relative_is_proposed_on_the_report_page_and_applied(signed_in, session):
    from tracker.models import Report
    report = _report(session)
    fields = MultiDict(form_fields(_accept_form(signed_in, report), "/accept"))
    assert signed_in.post(f"/casework/reports/{report.id}/accept", data=fields).status_code == 303
    sister_id = session.exec(select(PersonRelationship)).one().related_person_id
    addition = Report(follow_up_of_id=report.id)
    session.add(addition)
    session.flush()
    session.add(ReportedRelative(report_id=addition.id, relationship_type="sibling", statuses=[
        {"status": "no_proof_of_life", "date": "2021-01-01", "precision": "year"}]))
    session.commit()
    page = signed_in.get(f"/casework/reports/{report.id}").get_data(as_text=True)
    assert "later additions" in page and "No proof of life since" in page and "2021</" not in page.split("later")[0]
    applied = post(signed_in, f"/casework/reports/{report.id}/family-updates", {"incident_id": ""})
    assert applied.status_code == 303
    assert [s.status for s in status_history(session, sister_id)][-1] == "no_proof_of_life"
    assert "later additions" not in signed_in.get(f"/casework/reports/{report.id}").get_data(as_text=True)
