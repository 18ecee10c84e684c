"""A reporter's later news about a relative is kept as facts and reaches casework as an update (issue 12)."""
from sqlmodel import select

from tests.conftest import csrf_token
from tracker.casework.family import accept_with_family, proposed_family, proposed_updates
from tracker.models import Report, ReportedRelative
from tracker.models.inputs import IncidentCreate

from .helpers import open_report, receipt_of, send_report


def _sent_with_a_sibling(client) -> str:
    return receipt_of(send_report(client, {
        "narrative": "My brother was taken.", "relatives-0-relationship_type": "sibling",
        "relatives-0-statuses": ["detained_administrative"], "relatives-0-dates-detained_administrative": "2019-03",
        "relatives-0-in_retaliation": "yes"}))


def test_news_about_a_relative_is_an_addition_with_facts_that_casework_proposes_as_an_update(client, session):
    receipt = _sent_with_a_sibling(client)
    report = session.exec(select(Report)).one()
    accept_with_family(session, report, IncidentCreate(primary_tactic="coercion_by_proxy"),
                       proposed_family(session, report), user_id=None)
    session.commit()
    open_report(client, receipt)
    page = client.get("/my-report").get_data(as_text=True)
    assert "Something new about a relative?" in page
    response = client.post("/my-report/add", data={
        "csrf_token": csrf_token(client, "/my-report"), "relatives-0-relationship_type": "sibling",
        "relatives-0-statuses": ["imprisoned", "no_proof_of_life"], "relatives-0-dates-imprisoned": "2020",
        "relatives-0-sentence_years": "15", "relatives-0-dates-no_proof_of_life": "2021-06"})
    assert response.status_code == 302
    addition = session.exec(select(Report).where(Report.follow_up_of_id == report.id)).one()
    [news] = session.exec(select(ReportedRelative).where(ReportedRelative.report_id == addition.id)).all()
    assert [s["status"] for s in news.statuses] == ["imprisoned", "no_proof_of_life"]
    assert news.statuses[0]["sentence_months"] == 180
    [update] = proposed_updates(session, report)
    assert [s.status for s in update.proposal.statuses] == ["imprisoned", "no_proof_of_life"]


def test_a_bad_date_in_the_news_is_explained_and_nothing_is_added(client, session):
    open_report(client, _sent_with_a_sibling(client))
    response = client.post("/my-report/add", data={
        "csrf_token": csrf_token(client, "/my-report"), "relatives-0-relationship_type": "sibling",
        "relatives-0-statuses": ["released"], "relatives-0-dates-released": "next week"})
    assert response.status_code == 422 and "next week" in response.get_data(as_text=True)
    assert session.exec(select(Report).where(Report.follow_up_of_id.is_not(None))).first() is None
