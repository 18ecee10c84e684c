"""The reporter JSON API: the same validation, storage, receipts and limits as the web form."""
from __future__ import annotations

import io
import json

import pytest
from sqlmodel import select

from tracker.models import Evidence, Message, Report, ReportedRelative

from tests.conftest import csrf_token
from tests.intake.helpers import jpeg_with_gps
from tracker.casework.messages import send_to_reporter
from tracker.models.inputs import MessageCreate

API = "/api/v1"
KEY = "partner-tool-key-0123456789abcdef"
REPORT = {"tactics": ["persuade_to_return"], "channels": ["wechat"], "origin_country": "CN",
          "narrative": "A man from the consulate asked me to come home.",
          "relatives": [{"relationship_type": "parent",
                         "statuses": [{"status": "questioned", "status_date": "2023-04-02",
                                       "date_precision": "exact"}]}]}


def submit(client, body=None, key=KEY):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"{API}/reports", json=REPORT if body is None else body, headers=headers)


@pytest.fixture
def receipt(client) -> str:
    response = submit(client)
    assert response.status_code == 201, response.json
    return response.json["receipt"]


def test_submitting_stores_an_api_report_and_returns_a_receipt(client, session, receipt):
    report = session.exec(select(Report)).one()
    assert report.intake_channel == "api" and report.codes_of("tactic") == ["persuade_to_return"]
    assert report.relatives[0].statuses[0]["status"] == "questioned"
    assert len(receipt) == 19


def test_a_retry_with_the_same_key_returns_the_same_receipt(client, session, receipt):
    again = submit(client)
    assert again.status_code == 201 and again.json["receipt"] == receipt
    assert len(session.exec(select(Report)).all()) == 1


def test_without_a_key_every_submission_is_new(client, session):
    assert submit(client, key=None).json["receipt"] != submit(client, key=None).json["receipt"]


@pytest.mark.parametrize("body, field", [
    ({"tactics": ["made_up"]}, "tactics.0"),
    ({"origin_country": "XX"}, "origin_country"),
    ({"narrative": "x" * 20_001}, "narrative"),
    ({"relatives": [{"relationship_type": "parent", "statuses": [{"status": "nope"}]}]},
     "relatives.0.statuses.0.status"),
])
def test_invalid_reports_get_per_field_messages(client, session, body, field):
    response = submit(client, body, key=None)
    assert response.status_code == 422
    assert response.json["error"] == "validation" and field in response.json["fields"]
    assert "Input should" not in str(response.json)
    assert session.exec(select(Report)).first() is None


@pytest.mark.parametrize("headers, body, status", [
    ({"Idempotency-Key": "short"}, REPORT, 400),
    ({}, [1, 2], 400),
])
def test_malformed_requests(client, headers, body, status):
    assert client.post(f"{API}/reports", json=body, headers=headers).status_code == status


@pytest.mark.parametrize("method, path", [
    ("get", "/receipt/report"), ("delete", "/receipt/report"),
    ("get", "/receipt/messages"), ("post", "/receipt/messages"), ("post", "/receipt/additions"),
])
@pytest.mark.parametrize("sent", ["ABCD-EFGH-JKMN-PQRS", "", "not a receipt"])
def test_a_wrong_receipt_is_refused_everywhere_the_same_way(client, receipt, method, path, sent):
    response = getattr(client, method)(f"{API}{path}", headers={"X-Receipt": sent})
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_status_messages_and_reply(client, session, receipt):
    report = session.exec(select(Report)).one()
    send_to_reporter(session, report, MessageCreate(body="Is your mother safe?"), user_id=None)
    session.commit()
    headers = {"X-Receipt": receipt.lower()}
    status = client.get(f"{API}/receipt/report", headers=headers).json
    assert status["status"] == "received" and status["unread_messages"] == 1
    messages = client.get(f"{API}/receipt/messages", headers=headers).json["messages"]
    assert [m["body"] for m in messages] == ["Is your mother safe?"]
    assert client.get(f"{API}/receipt/report", headers=headers).json["unread_messages"] == 0
    assert client.post(f"{API}/receipt/messages", json={"body": "Yes, for now."}, headers=headers).status_code == 201
    assert client.post(f"{API}/receipt/messages", json={"body": ""}, headers=headers).status_code == 422
    assert session.exec(select(Message).where(Message.direction == "from_reporter")).one().body == "Yes, for now."


def test_additions_with_evidence_and_deletion(app, client, session, receipt):
    headers = {"X-Receipt": receipt}
    response = client.post(f"{API}/receipt/additions", headers=headers, content_type="multipart/form-data",
                           data={"narrative": "A photo of the letter.",
                                 "evidence": [(io.BytesIO(jpeg_with_gps()), "letter.jpg")]})
    assert response.status_code == 201 and response.json["files"] == 1
    assert session.exec(select(Evidence)).one().mime_type == "image/jpeg"
    bad = client.post(f"{API}/receipt/additions", headers=headers, content_type="multipart/form-data",
                      data={"evidence": [(io.BytesIO(b"MZ\x90\x00" + b"\0" * 64), "x.pdf")]})
    assert bad.status_code == 422 and bad.json["error"] == "evidence_rejected"
    assert client.delete(f"{API}/receipt/report", headers=headers).status_code == 204
    session.expire_all()
    assert session.exec(select(Report)).first() is None and session.exec(select(Evidence)).first() is None
    assert client.get(f"{API}/receipt/report", headers=headers).status_code == 404


def test_a_report_and_its_evidence_can_be_sent_in_one_multipart_request(client, session):
    response = client.post(f"{API}/reports", headers={"Idempotency-Key": KEY}, content_type="multipart/form-data",
                           data={"report": json.dumps(REPORT),
                                 "evidence": [(io.BytesIO(jpeg_with_gps()), "letter.jpg")]})
    assert response.status_code == 201, response.json
    report = session.exec(select(Report)).one()
    evidence = session.exec(select(Evidence)).one()
    assert evidence.report_id == report.id and evidence.mime_type == "image/jpeg"
    assert report.intake_channel == "api" and report.codes_of("tactic") == ["persuade_to_return"]


@pytest.mark.parametrize("data, error", [
    ({"report": json.dumps(REPORT), "evidence": [(io.BytesIO(b"MZ\x90\x00" + b"\0" * 64), "x.pdf")]},
     "evidence_rejected"),
    ({"report": json.dumps(REPORT), "evidence": [(io.BytesIO(b"x"), f"{i}.txt") for i in range(6)]},
     "evidence_rejected"),
    ({"report": "not json", "evidence": [(io.BytesIO(b"hello"), "a.txt")]}, "bad_request"),
    ({"report": json.dumps({"tactics": ["no_such_tactic"]})}, "validation"),
])
def test_a_multipart_report_is_refused_whole_with_the_forms_limits(client, session, data, error):
    response = client.post(f"{API}/reports", content_type="multipart/form-data", data=data)
    assert response.status_code in (400, 422) and response.json["error"] == error
    assert session.exec(select(Report)).first() is None and session.exec(select(Evidence)).first() is None


def test_each_status_of_a_relative_has_its_own_date_in_the_api(client, session):
    statuses = [{"status": "detained_administrative", "status_date": "2017-06-01", "date_precision": "year"},
                {"status": "released", "status_date": "2023-03-14", "date_precision": "exact"},
                {"status": "contact_lost"}]
    body = {"relatives": [{"relationship_type": "sibling", "statuses": statuses}]}
    assert submit(client, body).status_code == 201
    assert session.exec(select(ReportedRelative)).one().statuses == [
        {"status": "detained_administrative", "date": "2017-01-01", "precision": "year"},
        {"status": "released", "date": "2023-03-14", "precision": "exact"},
        {"status": "contact_lost", "date": None, "precision": "unknown"},
    ]


@pytest.fixture
def app_config():
    return {"INTAKE_RECEIPT_LIMIT": "12 per minute", "INTAKE_RECEIPT_ADDRESS_LIMIT": "12 per minute",
            "INTAKE_SUBMIT_LIMIT": "50 per minute"}


def test_receipt_checks_share_one_limit_across_routes_with_a_json_answer(client, receipt):
    # A client whose own address is known: the address budget is the one every endpoint shares
    # (on a shared address each browser has its own form pass instead, tests/intake/test_shared_address.py).
    client.environ_base["REMOTE_ADDR"] = "192.0.2.40"
    wrong = {"X-Receipt": "ABCD-EFGH-JKMN-PQRS"}
    for _ in range(6):
        client.get(f"{API}/receipt/report", headers=wrong)
        client.get(f"{API}/receipt/messages", headers=wrong)
    limited = client.get(f"{API}/receipt/report", headers={"X-Receipt": receipt})
    assert limited.status_code == 429 and limited.json["error"] == "rate_limited"
    form = {"csrf_token": csrf_token(client, "/receipt"), "receipt": "ABCD-EFGH-JKMN-PQRS"}
    assert client.post("/receipt", data=form).status_code == 429  # the web form shares the budget


def test_the_api_is_not_subject_to_csrf_but_sets_no_cookie(client):
    response = submit(client, key=None)
    assert response.status_code == 201 and not response.headers.getlist("Set-Cookie")
