"""A caseworker, in a browser with JavaScript off, triages a report into an incident and a case,
and cites a file the reporter sent as the source of a claim."""
from __future__ import annotations

import re

import pyotp
from sqlmodel import Session, select

from tests.factories import STAFF_PASSWORD, make_evidence, make_report, make_user
from tracker.models import Case, ClaimSource, CustodyEvent, Incident, Involvement, Person, Report


def _sign_in(page, live_server: str, email: str, totp_secret: str) -> None:
    """Sign in through the login form with a fresh TOTP code."""
    page.goto(f"{live_server}/staff/login")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.fill("#otp", pyotp.TOTP(totp_secret).now())
    page.click("button[type=submit]")


def test_a_caseworker_triages_a_report_into_a_case(app, live_server, page, artifacts_dir):
    engine = app.extensions["tracker.engine"]
    with Session(engine) as session:
        user = make_user(session, "caseworker")
        report = make_report(session, community="uyghur", origin_country="CN", host_country="US",
                             narrative="State security detained my father in Kashgar.", urgent_risk=True)
        report_id, email, secret = report.id, user.email, user.totp_secret
    _sign_in(page, live_server, email, secret)

    page.goto(f"{live_server}/casework/?urgent=1")
    page.screenshot(path=str(artifacts_dir / "casework-queue.png"), full_page=True)
    page.click(f"a[href='/casework/reports/{report_id}']")
    assert "detained my father in Kashgar" in page.inner_text("blockquote.narrative")
    page.click("text=Accept as an incident")
    assert page.input_value("select[name=origin_country]") == "CN"  # pre-filled from the report
    page.select_option("select[name=primary_tactic]", "coercion_by_proxy")
    page.select_option("select[name=verification]", "credible")
    page.click("button:text-is('Save the incident')")
    assert re.search(r"/casework/incidents/\d+$", page.url)

    page.goto(f"{live_server}/casework/people")
    page.fill("input[name=name] >> nth=0", "Erkin Yasin")
    page.click("button:text-is('Record')")
    person_id = page.url.rsplit("/", 1)[1]
    with Session(engine) as session:
        incident_id = session.exec(select(Incident.id)).one()
    page.goto(f"{live_server}/casework/incidents/{incident_id}")
    page.fill("input[name=person_id]", person_id)
    page.click("button:text-is('Link person')")
    with Session(engine) as session:
        case_id = session.get(Incident, incident_id).case_id
    assert case_id is not None  # accepting the report opened its case (issue 12: the family's record)
    page.goto(f"{live_server}/casework/cases/{case_id}")

    assert page.locator("figure.diagram svg").count() == 1
    assert "Incident #" in page.inner_text("ol.timeline")
    page.screenshot(path=str(artifacts_dir / "casework-case.png"), full_page=True)
    with Session(engine) as session:
        case = session.exec(select(Case)).one()
        assert page.inner_text("h1").startswith(case.reference)
        assert session.get(Incident, incident_id).case_id == case.id
        assert session.get(Report, report_id).status == "accepted"
        assert int(person_id) in session.exec(select(Involvement.person_id)).all()
        assert session.get(Person, int(person_id)).names == [{"name": "Erkin Yasin", "script": "Latn"}]


def test_a_caseworker_cites_a_file_for_a_claim_and_downloads_it(app, live_server, page):
    engine = app.extensions["tracker.engine"]
    with app.app_context(), Session(engine) as session:
        user = make_user(session, "caseworker")
        report = make_report(session, narrative="They showed me a summons.")
        evidence = make_evidence(session, report, b"Summons no. 17, Kashgar public security bureau\n")
        report_id, evidence_id, email, secret = report.id, evidence.id, user.email, user.totp_secret
    _sign_in(page, live_server, email, secret)

    page.goto(f"{live_server}/casework/reports/{report_id}")
    page.select_option("#verification select[name=claim]", "perpetrator")
    page.select_option("#verification select[name=source_type]", "evidence_item")
    page.select_option("#verification select[name=evidence_id]", str(evidence_id))
    page.fill("#verification textarea[name=note]", "Stamp of the bureau on the summons")
    page.click("button:text-is('Record the source')")
    assert page.url.endswith(f"/casework/reports/{report_id}#verification")
    row = page.inner_text("table.claim-sources tbody")
    assert "The perpetrator" in row and f"file {evidence_id}" in row and "Stamp of the bureau" in row

    with page.expect_download() as download:
        page.click(f"#evidence-{evidence_id} a:text-is('Download')")
    assert download.value.suggested_filename == f"evidence-{evidence_id}.txt"
    assert open(download.value.path(), "rb").read().startswith(b"Summons no. 17")
    page.reload()
    assert "Downloaded (copy without metadata)" in page.inner_text(f"#evidence-{evidence_id} ol.custody")
    with Session(engine) as session:
        assert [s.claim for s in session.exec(select(ClaimSource))] == ["perpetrator"]
        custody = session.exec(select(CustodyEvent).order_by(CustodyEvent.id))
        assert [e.action for e in custody] == ["received", "downloaded"]  # intake, then the download
