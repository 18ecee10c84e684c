"""Notices to staff (issue 12 §5): who hears about an urgent report, a reporter's reply and a due
follow-up, the inbox, and e-mail through a real SMTP server that says nothing about the case."""
from __future__ import annotations

import io
import socket
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from tests.conftest import login_as, post_form
from tests.factories import make_case, make_user
from tests.intake.helpers import open_report, receipt_of, send_report
from tracker.models import FollowUp, Notification, Report
from tracker.notify.mail import send_waiting
from tracker.notify.notices import raise_due_follow_ups, schedule_follow_up

CANARY = "Canarybek Tursun in Kashgar"


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp():
    """A real SMTP server on a loopback port, for the length of the test."""
    handler = Inbox()
    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, handler
    controller.stop()


def _notices(session, user_id: int) -> list[Notification]:
    session.expire_all()
    return list(session.exec(select(Notification).where(Notification.user_id == user_id)).all())


def test_an_urgent_report_reaches_the_caseworkers_of_its_community_only(client, session):
    uyghur_desk, tibetan_desk = make_user(session, communities=["uyghur"]), make_user(session, communities=["tibetan"])
    calm = send_report(client, {"community": "uyghur", "narrative": "no danger"})
    receipt_of(calm)
    assert _notices(session, uyghur_desk.id) == []
    receipt_of(send_report(client, {"community": "uyghur", "narrative": CANARY, "urgent_risk": "y"}))
    notices = _notices(session, uyghur_desk.id)
    assert [(n.kind, n.object_type) for n in notices] == [("urgent_report", "report")]
    assert _notices(session, tibetan_desk.id) == []


def test_a_reporters_reply_reaches_the_assigned_caseworker(client, session):
    assigned, other = make_user(session), make_user(session)
    receipt = receipt_of(send_report(client, {"community": "uyghur", "narrative": "first"}))
    report = session.exec(select(Report)).one()
    report.assigned_to_id = assigned.id
    session.add(report)
    session.commit()
    open_report(client, receipt)
    post_form(client, "/my-report/reply", {"body": CANARY}, form_url="/my-report")
    assert [n.kind for n in _notices(session, assigned.id)] == ["reporter_reply"]
    assert _notices(session, other.id) == []


def test_a_follow_up_falls_due_repeats_and_shows_in_the_inbox(app, session, runner):
    worker = make_user(session)
    case = make_case(session, assigned_to_id=worker.id)
    with app.test_request_context():
        schedule_follow_up(session, case, "Ask the family for proof of life", every_days=90,
                           first_due=datetime.now(UTC) - timedelta(minutes=1), user_id=worker.id)
    session.commit()
    result = runner.invoke(args=["notify", "due"])
    assert result.exit_code == 0 and "1 follow-ups due" in result.output, result.output
    session.expire_all()
    follow_up = session.exec(select(FollowUp)).one()
    assert follow_up.active and follow_up.next_due_at.replace(tzinfo=UTC) > datetime.now(UTC) + timedelta(days=89)
    assert raise_due_follow_ups(session) == 0  # not due again until then
    client = app.test_client()
    login_as(client, worker)
    page = client.get("/casework/inbox").get_data(as_text=True)
    assert "A follow-up is due" in page and f"/casework/cases/{case.id}" in page
    notice = _notices(session, worker.id)[0]
    post_form(client, f"/casework/inbox/{notice.id}/read", {}, form_url="/casework/inbox")
    assert _notices(session, worker.id)[0].read_at is not None


def test_the_case_page_schedules_a_follow_up_and_refuses_a_bad_date(app, session):
    worker = make_user(session)
    case = make_case(session)
    client = app.test_client()
    login_as(client, worker)
    bad = post_form(client, f"/casework/cases/{case.id}/follow-ups", {"what": "call", "first_due": "soon"},
                    form_url=f"/casework/cases/{case.id}", follow_redirects=True)
    assert "YYYY-MM-DD" in bad.get_data(as_text=True)
    post_form(client, f"/casework/cases/{case.id}/follow-ups",
              {"what": "Ask for proof of life", "first_due": "2027-03-01", "every_days": "90"},
              form_url=f"/casework/cases/{case.id}")
    assert "Ask for proof of life" in client.get(f"/casework/cases/{case.id}").get_data(as_text=True)


def test_email_says_only_that_something_waits(app, session, client, smtp):
    controller, handler = smtp
    worker = make_user(session, communities=["uyghur"])
    receipt_of(send_report(client, {"community": "uyghur", "narrative": CANARY, "place_text": "Kashgar",
                                    "urgent_risk": "y"}, files=[(io.BytesIO(b"x" * 10), "n.txt")]))
    config = {**app.config, "NOTIFY_SMTP_HOST": controller.hostname, "NOTIFY_SMTP_PORT": controller.port,
              "NOTIFY_SMTP_STARTTLS": False}
    assert send_waiting(session, config) == 1
    assert send_waiting(session, config) == 0  # each notice is e-mailed once
    (message,) = handler.messages
    assert worker.email.encode() in message
    for word in (b"Canarybek", b"Kashgar", b"urgent", b"danger", b"report"):
        assert word not in message.lower()


def test_no_smtp_server_configured_sends_nothing(app, session):
    make_user(session)
    assert send_waiting(session, app.config) == 0
