"""A reporter in Tor Browser's "Safest" mode (JavaScript off) reports in Uyghur, adds a relative
and a photo, saves the receipt, comes back with it and reads a caseworker's question."""
from __future__ import annotations

from sqlmodel import Session, select

from tracker.models import Evidence, Message, Report, ReportedRelative

from tests.intake.helpers import jpeg_with_gps
from tracker.casework.messages import send_to_reporter
from tracker.models.inputs import MessageCreate

QUESTION = "ئاكىڭىز قايسى شەھەرگە ئېلىپ كېتىلدى؟"  # "Which city was your brother taken to?"


def test_report_in_uyghur_without_javascript_then_return_with_the_receipt(app, live_server, page, artifacts_dir):
    page.goto(f"{live_server}/report?lang=zh_Hans")
    page.screenshot(path=str(artifacts_dir / "intake-form-zh_Hans.png"), full_page=True)
    page.goto(f"{live_server}/report?lang=ug")
    assert page.get_attribute("html", "dir") == "rtl"
    page.screenshot(path=str(artifacts_dir / "intake-form-ug.png"), full_page=True)

    page.click("#part-what > summary")  # the long parts are folded until opened (issue 14)
    page.check("input[name=tactics][value=coercion_by_proxy]")
    page.click("#part-how-who > summary")
    page.check("input[name=channels][value=wechat]")
    page.fill("#narrative", "ئانامغا تېلېفون قىلىپ، مېنىڭ دوستلىرىمنى سورىدى.")
    page.click("#part-relatives > summary")
    page.click("button[name=add_relative]")  # no JavaScript: the server opens a relative's block
    assert page.input_value("#narrative").startswith("ئانامغا")
    page.select_option("#relatives-0-relationship_type", "parent")
    page.click("#relative-1 summary")
    page.check("input[name=relatives-0-statuses][value=questioned]")
    page.click("button[name=add_relative]")  # and a second one, keeping the first
    page.select_option("#relatives-1-relationship_type", "sibling")
    page.click("#relative-2 summary")
    page.check("input[name=relatives-1-statuses][value=detained_administrative]")
    page.fill("input[name=relatives-1-dates-detained_administrative]", "2018")
    page.check("input[name=relatives-1-statuses][value=released]")
    page.fill("input[name=relatives-1-dates-released]", "2023-03")
    page.select_option("#relatives-1-in_retaliation", "likely")
    page.screenshot(path=str(artifacts_dir / "intake-form-relative-ug.png"), full_page=True)
    page.set_input_files("#evidence", files=[{"name": "photo.jpg", "mimeType": "image/jpeg",
                                              "buffer": jpeg_with_gps()}])
    page.click("button[name=submit]")

    receipt = page.inner_text("#receipt-code").strip()
    assert len(receipt) == 19
    page.screenshot(path=str(artifacts_dir / "intake-receipt-ug.png"), full_page=True)

    engine = app.extensions["tracker.engine"]
    with app.app_context(), Session(engine) as session:  # the message's audit event seals
        report = session.exec(select(Report)).one()
        assert report.language == "ug" and report.codes_of("tactic") == ["coercion_by_proxy"]
        relatives = {r.relationship_type: r for r in session.exec(select(ReportedRelative))}
        assert sorted(relatives) == ["parent", "sibling"]
        assert relatives["sibling"].statuses == [
            {"status": "detained_administrative", "date": "2018-01-01", "precision": "year"},
            {"status": "released", "date": "2023-03-01", "precision": "month"}]
        assert session.exec(select(Evidence)).one().mime_type == "image/jpeg"
        send_to_reporter(session, report, MessageCreate(body=QUESTION), user_id=None)
        session.commit()

    page.goto(f"{live_server}/receipt")
    page.fill("#receipt", receipt.lower())
    page.click("button[name=submit]")
    assert page.url.endswith("/my-report")
    assert QUESTION in page.inner_text(".thread")
    page.screenshot(path=str(artifacts_dir / "intake-my-report-ug.png"), full_page=True)
    with Session(engine) as session:
        assert session.exec(select(Message)).one().read_at is not None
