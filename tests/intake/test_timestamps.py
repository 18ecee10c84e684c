"""What a reporter does is stamped only to the hour (issue 16, item 7): an exact time could be
matched against a network log of who reached the server when. Order comes from ids."""
from __future__ import annotations

import io
from datetime import datetime

from sqlmodel import select

from tests.conftest import csrf_token
from tracker.casework.messages import send_to_reporter
from tracker.casework.queue import QueueFilters, queue_page
from tracker.models import AuditEvent, CustodyEvent, Evidence, Location, Message, Report
from tracker.models.inputs import MessageCreate

from .helpers import open_report, png_bytes, receipt_of, send_report


def to_the_hour(moment: datetime | None) -> bool:
    return moment is not None and (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


def test_a_submission_stores_no_time_finer_than_the_hour(client, session):
    receipt_of(send_report(client, {"narrative": "x", "place_text": "Kashgar", "place_country": "CN"},
                           files=[(io.BytesIO(png_bytes()), "a.png")]))
    report = session.exec(select(Report)).one()
    assert to_the_hour(report.submitted_at) and to_the_hour(report.last_activity_at)
    evidence = session.exec(select(Evidence)).one()
    assert to_the_hour(evidence.uploaded_at)
    assert all(to_the_hour(event.at) for event in session.exec(select(CustodyEvent)))
    location = session.exec(select(Location)).one()
    assert location.geocoded_at is None or to_the_hour(location.geocoded_at)
    submitted = session.exec(select(AuditEvent).where(AuditEvent.action == "report.submitted")).one()
    assert to_the_hour(submitted.at)


def test_a_reporters_reply_and_reading_are_stamped_to_the_hour_and_the_thread_keeps_its_order(client, session):
    receipt = receipt_of(send_report(client, {"narrative": "x"}))
    report = session.exec(select(Report)).one()
    send_to_reporter(session, report, MessageCreate(body="Are you safe?"), user_id=None)
    session.commit()
    open_report(client, receipt)
    page = client.get("/my-report")
    assert page.status_code == 200
    client.post("/my-report/reply", data={"csrf_token": csrf_token(client, "/my-report"), "body": "Yes, thank you."})
    session.expire_all()
    question, answer = session.exec(select(Message).order_by(Message.id)).all()
    assert to_the_hour(question.read_at) and to_the_hour(answer.created_at)
    html = client.get("/my-report").get_data(as_text=True)
    assert html.index("Are you safe?") < html.index("Yes, thank you.")  # the earlier exact time does not reorder


def test_the_queue_orders_reports_of_one_hour_by_arrival_and_pages_through_all(client, session):
    for words in ("first", "second", "third"):
        receipt_of(send_report(client.application.test_client(), {"narrative": words}))
    ids = [report.id for report in session.exec(select(Report).order_by(Report.id))]
    assert len({report.submitted_at for report in session.exec(select(Report))}) <= 2  # an hour may turn
    for sort, expected in (("newest", ids[::-1]), ("oldest", ids)):
        seen, cursor = [], None
        while True:
            page = queue_page(session, QueueFilters(sort=sort), cursor, page_size=1)
            seen += [report.id for report in page.reports]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == expected


def test_a_retry_within_the_window_still_shows_the_receipt(client, session):
    from .helpers import form_fields

    fields = {**form_fields(client), "narrative": "sent twice"}
    first = receipt_of(client.post("/report", data=fields))
    assert receipt_of(client.post("/report", data=fields)) == first
    assert len(session.exec(select(Report)).all()) == 1
