"""In Chromium, the safe view of a PDF shows its pages as pictures under the view's sandbox policy,
and the page can run nothing (issue 16)."""
from __future__ import annotations

from sqlmodel import Session

from tests.factories import make_evidence, make_report, make_user
from tests.intake.files import pdf_with_hidden_identity

from .test_casework_browser import _sign_in


def test_a_caseworker_sees_a_pdf_drawn_as_pictures_in_a_sandboxed_page(app, live_server, page, artifacts_dir):
    engine = app.extensions["tracker.engine"]
    with app.app_context(), Session(engine) as session:
        user = make_user(session, "caseworker")
        report = make_report(session)
        evidence = make_evidence(session, report, pdf_with_hidden_identity(pages=2), "letter.pdf")
        report_id, evidence_id, email, secret = report.id, evidence.id, user.email, user.totp_secret
    _sign_in(page, live_server, email, secret)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text))
    page.goto(f"{live_server}/casework/reports/{report_id}")
    page.click(f"a[href='/casework/evidence/{evidence_id}/view']")
    assert page.url.endswith(f"/casework/evidence/{evidence_id}/view")
    pictures = page.locator("main img")
    assert pictures.count() == 2
    for index in range(2):  # drawn at 1000 px: a picture that did not load would be a small icon
        assert pictures.nth(index).bounding_box()["width"] == 1000
    page.screenshot(path=str(artifacts_dir / "evidence-safe-view.png"), full_page=True)
    assert not [text for text in blocked if "Content Security Policy" in text]
    # The link back works from the sandboxed (opaque-origin) page: the session cookie still goes.
    page.click("text=Back to the file's page")
    assert page.url.endswith(f"/casework/reports/{report_id}#evidence-{evidence_id}")
    assert page.locator(f"#evidence-{evidence_id}").count() == 1
