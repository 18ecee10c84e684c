"""Coming back with a receipt: status, messages, answers, additions, deletion, expiry."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from tests.conftest import csrf_token, post_form
from tracker.casework.messages import send_to_reporter
from tracker.intake import access
from tracker.models import Evidence, Location, Message, ReceiptSession, Report, ReportedRelative
from tracker.models.inputs import MessageCreate

from .helpers import jpeg_with_gps, open_report, receipt_of, send_report


@pytest.fixture
def receipt(client) -> str:
    """A report with a relative, a place and a photo, sent through the form."""
    response = send_report(client, {"narrative": "first words", "place_text": "Hotan",
                                    "relatives-0-relationship_type": "sibling"},
                           files=[(io.BytesIO(jpeg_with_gps()), "p.jpg")])
    return receipt_of(response)


def test_a_receipt_digested_under_the_old_profile_still_opens_and_is_upgraded(app, client, session, receipt):
    from tracker.crypto import RECEIPT_VERSION, get_sealer

    report = session.exec(select(Report)).one()
    with app.app_context():
        sealer = get_sealer()
        report.receipt_digest = sealer.receipt_digest(receipt, version=1)  # as stored before version 2
        session.add(report)
        session.commit()
        current = sealer.receipt_digest(receipt, version=RECEIPT_VERSION)
    assert "$" not in report.receipt_digest and current.startswith(f"{RECEIPT_VERSION}$")
    response = open_report(client, receipt)
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-report")
    session.expire_all()
    assert session.get(Report, report.id).receipt_digest == current


def caseworker_asks(session, body: str = "Which city was your brother taken to?") -> Message:
    report = session.exec(select(Report)).first()
    # As the caseworker's page does: sealed to the organisation and to the reporter's key.
    message = send_to_reporter(session, report, MessageCreate(body=body), user_id=None)
    session.commit()
    return message


@pytest.mark.parametrize("method, url", [
    ("get", "/my-report"), ("post", "/my-report/reply"), ("post", "/my-report/add"),
    ("get", "/my-report/delete"), ("post", "/my-report/delete"),
])
def test_report_pages_need_an_open_receipt(client, receipt, method, url):
    data = {"csrf_token": csrf_token(client, "/receipt")} if method == "post" else None
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/receipt")


def test_the_receipt_opens_the_report_however_it_is_typed(client, receipt):
    typed = receipt.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    response = open_report(client, typed)
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-report")
    page = client.get("/my-report").get_data(as_text=True)
    assert "Received. Nobody has looked at it yet." in page


def test_a_wrong_and_a_deleted_receipt_look_identical(client, session, receipt):
    wrong = open_report(client, "ABCD-EFGH-JKMN-PQRS")
    open_report(client, receipt)
    client.post("/my-report/delete", data={"csrf_token": csrf_token(client, "/my-report/delete"), "confirm": "y"})
    deleted = open_report(client, receipt)
    assert (wrong.status_code, wrong.headers.get("Set-Cookie") is None) == (
        deleted.status_code, deleted.headers.get("Set-Cookie") is None)
    normalise = lambda r: r.get_data(as_text=True).replace("ABCD-EFGH-JKMN-PQRS", "").replace(receipt, "")  # noqa: E731
    strip_token = lambda t: "".join(t.split('name="csrf_token"')[0::2])  # noqa: E731
    assert strip_token(normalise(wrong)) == strip_token(normalise(deleted))
    assert wrong.status_code == 404


def test_caseworker_messages_are_shown_and_marked_read(client, session, receipt):
    message = caseworker_asks(session)
    assert message.read_at is None
    open_report(client, receipt)
    assert "Which city was your brother taken to?" in client.get("/my-report").get_data(as_text=True)
    session.refresh(message)
    assert message.read_at is not None


def test_the_reporter_can_answer(client, session, receipt):
    caseworker_asks(session)
    open_report(client, receipt)
    response = client.post("/my-report/reply", data={"csrf_token": csrf_token(client, "/my-report"),
                                                     "body": "To Aksu, in March."})
    assert response.status_code == 302
    answer = session.exec(select(Message).where(Message.direction == "from_reporter")).one()
    assert answer.body == "To Aksu, in March."
    assert "To Aksu, in March." in client.get("/my-report").get_data(as_text=True)


def test_an_empty_answer_is_refused_beside_the_field(client, session, receipt):
    open_report(client, receipt)
    response = client.post("/my-report/reply", data={"csrf_token": csrf_token(client, "/my-report"), "body": " "})
    assert response.status_code == 422 and 'id="body-error"' in response.get_data(as_text=True)
    assert session.exec(select(Message)).first() is None


def test_added_information_is_a_new_linked_report_with_its_evidence(client, session, receipt):
    open_report(client, receipt)
    response = client.post("/my-report/add", data={
        "csrf_token": csrf_token(client, "/my-report"), "narrative": "He was released on 2 May.",
        "evidence": [(io.BytesIO(b"notes from the call"), "notes.txt")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    first, addition = session.exec(select(Report).order_by(Report.id)).all()
    assert addition.follow_up_of_id == first.id and addition.receipt_digest is None
    assert addition.narrative == "He was released on 2 May."
    assert [e.mime_type for e in addition.evidence] == ["text/plain"]


def test_deleting_removes_every_row_and_file(app, client, session, receipt):
    open_report(client, receipt)
    client.post("/my-report/add", data={"csrf_token": csrf_token(client, "/my-report"),
                                        "evidence": [(io.BytesIO(b"more"), "m.txt")]},
                content_type="multipart/form-data")
    caseworker_asks(session)
    folder = Path(app.config["EVIDENCE_FOLDER"])
    assert len(list(folder.iterdir())) == 2
    unconfirmed = client.post("/my-report/delete", data={"csrf_token": csrf_token(client, "/my-report/delete")})
    assert unconfirmed.status_code == 200 and session.exec(select(Report)).first() is not None
    response = client.post("/my-report/delete", data={"csrf_token": csrf_token(client, "/my-report/delete"),
                                                      "confirm": "y"})
    assert response.status_code == 200
    session.expire_all()
    for table in (Report, Evidence, Message, ReportedRelative, Location):
        assert session.exec(select(table)).first() is None, table
    assert list(folder.iterdir()) == []
    assert client.get("/my-report").status_code == 302


def test_the_report_closes_after_the_idle_time(app, client, receipt, monkeypatch):
    open_report(client, receipt)
    assert client.get("/my-report").status_code == 200
    later = datetime.now(UTC) + timedelta(minutes=app.config["INTAKE_RECEIPT_SESSION_MINUTES"], seconds=1)
    monkeypatch.setattr(access, "_now", lambda: later)
    assert client.get("/my-report").status_code == 302


def test_a_busy_receipt_session_still_ends_at_its_absolute_limit(app, client, session, receipt, monkeypatch):
    open_report(client, receipt)
    start = datetime.now(UTC)
    limit = app.config["INTAKE_RECEIPT_SESSION_MAX_MINUTES"]
    for minutes in range(10, limit, 10):  # never idle for long
        monkeypatch.setattr(access, "_now", lambda m=minutes: start + timedelta(minutes=m))
        assert client.get("/my-report").status_code == 200
    monkeypatch.setattr(access, "_now", lambda: start + timedelta(minutes=limit, seconds=1))
    assert client.get("/my-report").status_code == 302
    assert session.exec(select(ReceiptSession)).all() == []


def test_a_copied_cookie_stops_working_once_the_report_is_closed_on_this_device(app, client, session, receipt):
    open_report(client, receipt)
    name = app.config["SESSION_COOKIE_NAME"]
    stolen = client.get_cookie(name).value
    cookie = _decoded(app, stolen)
    # An opaque token (256 bits) only: no readable report id, no expiry the holder could edit.
    assert isinstance(cookie["intake_report"], str) and len(cookie["intake_report"]) >= 43
    post_form(client, "/my-report/leave", {}, form_url="/my-report")
    thief = app.test_client()
    thief.set_cookie(name, stolen)
    assert thief.get("/my-report").status_code == 302
    assert session.exec(select(ReceiptSession)).all() == []


def _decoded(app, cookie_value: str) -> dict:
    """The signed session cookie's content, as anyone holding it can read it."""
    return app.session_interface.get_signing_serializer(app).loads(cookie_value)


def test_leaving_closes_the_report_on_this_device(client, receipt):
    open_report(client, receipt)
    client.post("/my-report/leave", data={"csrf_token": csrf_token(client, "/my-report")})
    assert client.get("/my-report").status_code == 302


@pytest.mark.parametrize("status, shown", [
    ("in_triage", "A caseworker is reviewing your report."),
    ("accepted", "Your report was reviewed and is part of our documentation."),
    ("spam", "Your report was reviewed and closed."),
])
def test_the_status_is_shown_in_the_reporters_words(client, session, receipt, status, shown):
    report = session.exec(select(Report)).one()
    report.status = status
    session.add(report)
    session.commit()
    open_report(client, receipt)
    page = client.get("/my-report").get_data(as_text=True)
    assert shown in page and "spam" not in page.lower()
