"""The OpenRosa Form Submission API as a collection app uses it: HEAD, then a multipart POST.

Every request here is written as the specification describes it (raw multipart bodies, an
instance written by hand, HTTP Basic), and what was stored is read back from the database or
through the caseworker's pages, never through tracker.openrosa's own functions.
"""
from __future__ import annotations

import re

import pytest
from defusedxml.ElementTree import fromstring
from sqlmodel import SQLModel, select

from tests.conftest import login_as
from tests.factories import make_user
from tests.intake.helpers import jpeg_with_gps
from tracker.models import DeviceCredential, Evidence, Report, ReportedRelative

from .conftest import HTTPS, instance_xml, submit

NS = "{http://openrosa.org/http/response}"
RECEIPT = re.compile(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}")


def message_of(response) -> tuple[str | None, str]:
    """The OpenRosa response envelope's message: (nature, text)."""
    assert response.content_type.startswith("text/xml"), response.get_data(as_text=True)[:300]
    element = fromstring(response.data).find(f"{NS}message")
    return element.get("nature"), element.text or ""


def test_head_answers_204_with_the_openrosa_headers(client, device):
    response = client.head("/openrosa/submission", headers=device.headers(), base_url=HTTPS)
    assert response.status_code == 204
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert int(response.headers["X-OpenRosa-Accept-Content-Length"]) >= 25 * 2**20
    assert response.headers["Date"]


def test_head_without_credentials_is_challenged_for_basic(client):
    response = client.head("/openrosa/submission", headers={"X-OpenRosa-Version": "1.0"}, base_url=HTTPS)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")
    assert response.headers["X-OpenRosa-Version"] == "1.0"


def test_plain_http_is_refused_without_inviting_the_secret(client, device):
    response = client.head("/openrosa/submission", base_url="http://tracker.example")
    assert response.status_code == 403 and "WWW-Authenticate" not in response.headers
    assert submit(client, device, instance_xml(), base_url="http://tracker.example").status_code == 403


def test_an_onion_service_counts_as_encrypted(client, device):
    response = client.head("/openrosa/submission", headers=device.headers(),
                           base_url="http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion")
    assert response.status_code == 204


def test_a_submission_is_stored_like_a_web_report(app, client, session, device):
    response = submit(client, device, instance_xml())
    assert response.status_code == 201
    nature, text = message_of(response)
    assert nature == "submit_success"
    assert RECEIPT.search(text)
    report = session.exec(select(Report)).one()
    assert (report.language, report.intake_channel, report.submitter_role) == ("ug", "openrosa", "relative")
    assert report.narrative == "They called my mother and asked about my friends abroad."
    assert report.consent_statistics and not report.consent_contact and not report.urgent_risk
    assert {(c.vocabulary, c.code) for c in report.codes} >= {("tactic", "coercion_by_proxy"), ("channel", "wechat")}
    relative = session.exec(select(ReportedRelative)).one()
    assert relative.relationship_type == "parent" and relative.in_retaliation == "likely"
    assert {s["status"]: s["precision"] for s in relative.statuses} == {"questioned": "month",
                                                                       "detained_administrative": "estimate"}
    assert report.receipt_digest and report.reporter_key


def test_the_receipt_in_the_answer_opens_the_report(client, device):
    nature, text = message_of(submit(client, device, instance_xml(form_id="tnr_report_en")))
    receipt = RECEIPT.search(text).group(0)
    response = client.get("/api/v1/receipt/report", headers={"X-Receipt": receipt})
    assert response.status_code == 200 and response.get_json()["status"] == "received"


def test_the_same_instance_id_is_stored_once_and_answered_with_success(client, session, device):
    xml = instance_xml("uuid:6f1c2a8e-0000-4000-8000-00000000dupe")
    first, second = submit(client, device, xml), submit(client, device, xml)
    assert (first.status_code, second.status_code) == (201, 201)
    assert message_of(second)[0] == "submit_success"
    # Within the replay window the receipt comes again, for an app whose first answer was lost.
    assert RECEIPT.search(message_of(second)[1]).group(0) == RECEIPT.search(message_of(first)[1]).group(0)
    reports = session.exec(select(Report)).all()
    assert len(reports) == 1
    # Only a keyed digest of the instanceID is kept.
    assert "6f1c2a8e" not in (reports[0].idempotency_key or "") and len(reports[0].idempotency_key) == 64


def test_attachments_are_checked_stripped_and_sealed(app, client, session, device):
    photo = jpeg_with_gps()
    xml = instance_xml(body="<narrative>photo</narrative><evidence><file>IMG_0001.jpg</file></evidence>"
                            "<evidence><file>note.txt</file></evidence>")
    response = submit(client, device, xml, [("IMG_0001.jpg", "image/jpeg", photo),
                                            ("note.txt", "text/plain", b"a note\n"),
                                            ("stray.txt", "text/plain", b"not named in the instance\n")])
    assert response.status_code == 201, message_of(response)
    rows = session.exec(select(Evidence).order_by(Evidence.id)).all()
    assert [row.mime_type for row in rows] == ["image/jpeg", "text/plain"]  # the stray part is not kept
    caseworker = app.test_client()
    login_as(caseworker, make_user(session, "caseworker"))
    served = caseworker.get(f"/casework/evidence/{rows[0].id}").data
    assert served[:2] == b"\xff\xd8" and b"CanaryPhoneMaker" not in served and b"CanaryXMP" not in served


def test_a_named_attachment_that_is_missing_is_refused(client, device):
    xml = instance_xml(body="<evidence><file>IMG_0002.jpg</file></evidence>")
    response = submit(client, device, xml)
    assert response.status_code == 400 and "IMG_0002.jpg" in message_of(response)[1]


@pytest.mark.parametrize(("password", "revoke"), [("wrong-password", False), (None, True)])
def test_wrong_or_revoked_credentials_get_401(app, client, session, device, password, revoke):
    if revoke:
        admin = app.test_client()
        login_as(admin, make_user(session, "admin"))
        page = admin.get("/staff/admin/devices/").get_data(as_text=True)
        action = page.split('action="/staff/admin/devices/', 1)[1].split('"', 1)[0]
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert admin.post(f"/staff/admin/devices/{action}", data={"csrf_token": token}).status_code == 302
    response = submit(client, device, instance_xml(), password=password)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Basic ")
    assert session.exec(select(Report)).first() is None


@pytest.mark.parametrize(("xml", "status"), [
    (b"<data id='tnr_report_en'><unclosed></data>", 400),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><data id="tnr_report_en">&a;</data>', 400),
    (instance_xml(body="<narrative>x</narrative>").replace(b"<meta><instanceID>", b"<meta><x>")
     .replace(b"</instanceID></meta>", b"</x></meta>"), 400),
    (instance_xml(form_id="some_other_form"), 422),
    (instance_xml(body="<what><tactics>not_a_tactic</tactics></what>"), 422),
    (instance_xml(body="<when_where><event_date>2999-01-01</event_date></when_where>"), 422),
    (instance_xml(body="<when_where><event_date>yesterday</event_date></when_where>"), 422),
    (instance_xml(body="<relatives><statuses>released</statuses></relatives>"), 422),
    (instance_xml(body="<when_where><place_country>Atlantis</place_country></when_where>"), 422),
])
def test_bad_instances_get_a_clear_openrosa_error(client, session, device, xml, status):
    response = submit(client, device, xml)
    assert response.status_code == status
    nature, text = message_of(response)
    assert text and nature != "submit_success"
    assert session.exec(select(Report)).first() is None


def test_a_request_without_the_xml_part_is_a_400(client, device):
    response = client.post("/openrosa/submission", data={"note": "x"}, headers=device.headers(), base_url=HTTPS)
    assert response.status_code == 400 and "xml_submission_file" in message_of(response)[1]


def test_an_attachment_over_the_limit_is_a_413(app, client, session, device):
    app.config["INTAKE_MAX_FILE_BYTES"] = 1000
    xml = instance_xml(body="<evidence><file>big.txt</file></evidence>")
    response = submit(client, device, xml, [("big.txt", "text/plain", b"x" * 1001)])
    assert response.status_code == 413
    assert session.exec(select(Report)).first() is None


def test_a_split_submission_is_refused_as_too_large(client, device):
    response = submit(client, device, instance_xml(), extra_fields={"*isIncomplete*": "yes"})
    assert response.status_code == 413


def test_a_body_over_the_request_limit_is_an_openrosa_413(app, client, device):
    app.config["MAX_CONTENT_LENGTH"] = 5000
    response = submit(client, device, instance_xml(), [("big.txt", "text/plain", b"x" * 6000)])
    assert response.status_code == 413 and message_of(response)[1]


def test_a_device_over_its_budget_is_told_to_wait(app, client, device):
    app.config["OPENROSA_DEVICE_LIMIT"] = "2 per hour"
    statuses = [submit(client, device, instance_xml()).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_guessing_credentials_is_slowed_down(app, client, device):
    app.config["OPENROSA_AUTH_FAILURE_LIMIT"] = "2 per hour"
    statuses = [submit(client, device, instance_xml(), password="guess").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_nothing_identifying_the_sender_or_device_is_stored(client, session, device):
    client.environ_base.update({"REMOTE_ADDR": "198.51.100.231", "HTTP_USER_AGENT": "org.odk.collect.canary/9.9"})
    xml = instance_xml(body="<narrative>plain</narrative><meta><deviceID>collect:CanaryDeviceId</deviceID></meta>")
    assert submit(client, device, xml).status_code == 201
    for table in SQLModel.metadata.sorted_tables:
        rows = repr(session.execute(table.select()).all())
        for canary in ("198.51.100.231", "canary/9.9", "CanaryDeviceId"):
            assert canary not in rows, (table.name, canary)
        if table.name != "device_credential":  # no report, audit event or counter names the device
            assert device.username not in rows and device.password not in rows, table.name
    stored = repr(session.execute(DeviceCredential.__table__.select()).all())
    assert device.password not in stored  # only the keyed digest
