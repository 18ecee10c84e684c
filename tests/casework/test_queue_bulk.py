"""The queue's search kept server-side, and bulk actions from ticked checkboxes (issue 12 §6)."""
from sqlalchemy import text
from sqlmodel import select

from tests.conftest import login_as, post_form
from tests.factories import make_report, make_user
from tracker.casework.bulk import apply_bulk
from tracker.models import AuditEvent, Report, SavedSearch


def search(client, **terms):
    """POST the queue's search form; the response is the queue page it redirects to."""
    return post_form(client, "/casework/search", terms, form_url="/casework/")


def test_a_search_travels_as_an_id_and_its_terms_are_sealed(signed_in, session, caseworker):
    make_report(session, narrative="They asked about my brother in Ghulja.")
    make_report(session, narrative="Nothing about that town here.")
    response = search(signed_in, words="Ghulja", status="open")
    location = response.headers["Location"]
    assert response.status_code == 303 and "Ghulja" not in location and "search=" in location
    page = signed_in.get(location).get_data(as_text=True)
    assert page.count('name="report_id"') == 1 and 'value="Ghulja"' in page
    saved = session.exec(select(SavedSearch).where(SavedSearch.user_id == caseworker.id)).one()
    raw = session.connection().execute(text("SELECT words FROM saved_search WHERE id = :id"), {"id": saved.id}).scalar()
    assert b"Ghulja" not in bytes(raw)


def test_a_saved_search_opens_nothing_for_another_caseworker(app, signed_in, session):
    make_report(session, narrative="They asked about my brother in Ghulja.")
    make_report(session, narrative="Nothing about that town here.")
    location = search(signed_in, words="Ghulja").headers["Location"]
    other = app.test_client()
    login_as(other, make_user(session, "caseworker"))
    page = other.get(location).get_data(as_text=True)
    assert 'value="Ghulja"' not in page and page.count('name="report_id"') == 2  # unfiltered


def test_bulk_spam_applies_to_open_reports_and_refuses_closed_ones(signed_in, session):
    spam = [make_report(session) for _ in range(3)]
    closed = make_report(session, status="rejected")
    response = post_form(signed_in, "/casework/bulk", {
        "action": "spam", "reason": "flood from one source",
        "report_id": [str(r.id) for r in spam] + [str(closed.id), "999999"]}, form_url="/casework/",
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "3 reports changed." in page
    assert f"Report {closed.id} was left as it was" in page and "Report 999999 was left as it was" in page
    session.expire_all()
    assert [session.get(Report, r.id).status for r in spam] == ["spam"] * 3
    assert session.get(Report, closed.id).status == "rejected"
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "report.reject")).all()
    assert sorted(int(e.object_id) for e in events) == sorted(r.id for r in spam)


def test_bulk_reject_without_a_reason_changes_nothing(signed_in, session):
    report = make_report(session)
    page = post_form(signed_in, "/casework/bulk", {"action": "reject", "reason": " ", "report_id": str(report.id)},
                     form_url="/casework/", follow_redirects=True).get_data(as_text=True)
    assert "reason" in page
    session.expire_all()
    assert session.get(Report, report.id).status == "new"


def test_bulk_assign_checks_the_assignee_once_and_moves_new_reports_into_triage(signed_in, session):
    reports = [make_report(session) for _ in range(2)]
    colleague = make_user(session, "caseworker")
    analyst = make_user(session, "analyst")
    post_form(signed_in, "/casework/bulk", {"action": "assign", "assigned_to_id": str(analyst.id),
                                            "report_id": [str(r.id) for r in reports]}, form_url="/casework/")
    session.expire_all()
    assert all(session.get(Report, r.id).assigned_to_id is None for r in reports)
    post_form(signed_in, "/casework/bulk", {"action": "assign", "assigned_to_id": str(colleague.id),
                                            "report_id": [str(r.id) for r in reports]}, form_url="/casework/")
    session.expire_all()
    assert [(session.get(Report, r.id).assigned_to_id, session.get(Report, r.id).status) for r in reports] == \
        [(colleague.id, "in_triage")] * 2


def test_bulk_refuses_reports_outside_the_caseworkers_communities(session, app):
    from tracker.staff.scope import clear_scope, set_scope

    tibetan = make_report(session, community="tibetan")
    uyghur = make_report(session, community="uyghur")
    user = make_user(session, "caseworker", communities=["uyghur"])
    with app.test_request_context():
        set_scope(user.id, ["uyghur"])
        try:
            result = apply_bulk(session, "triage", [tibetan.id, uyghur.id], user_id=user.id)
        finally:
            clear_scope()
    assert result.applied == [uyghur.id] and result.refused == {tibetan.id: f"report {tibetan.id}"}


def test_the_queue_form_has_a_checkbox_per_report_and_the_bulk_fields(signed_in, session):
    report = make_report(session)
    page = signed_in.get("/casework/").get_data(as_text=True)
    assert f'name="report_id" value="{report.id}"' in page
    assert 'action="/casework/bulk"' in page and 'name="action"' in page
