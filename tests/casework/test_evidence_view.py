"""Evidence that cannot act: downloads keep their sandbox, and a safe view draws files inert (issue 16)."""
from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image
from sqlmodel import select

from tests.factories import make_evidence, make_report
from tests.intake.files import CANARY, pdf_with_hidden_identity
from tracker.casework.safe_view import VIEW_POLICY
from tracker.models import AuditEvent, CustodyEvent
from tracker.security import CONTENT_SECURITY_POLICY

PICTURE = re.compile(r'<img src="data:(image/(?:png|jpeg));base64,([A-Za-z0-9+/=]+)"')
HTML_AS_TEXT = b"<html><body><script>fetch('/casework/queue')</script>CanaryMarkup</body></html>\n"
SVG_AS_TEXT = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>\n'


def pictures(html: str) -> list[Image.Image]:
    return [Image.open(io.BytesIO(base64.b64decode(data))) for _type, data in PICTURE.findall(html)]


@pytest.mark.parametrize("markup", [HTML_AS_TEXT, SVG_AS_TEXT])
def test_html_or_svg_sent_as_text_downloads_as_inert_text_under_its_own_sandbox(signed_in, session, markup):
    evidence = make_evidence(session, make_report(session), markup, "page.html")
    assert evidence.mime_type == "text/plain"
    response = signed_in.get(f"/casework/evidence/{evidence.id}")
    assert response.data == markup
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="evidence-{evidence.id}.txt"'
    # The finding: the site-wide policy used to replace this one after the view had set it.
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_other_pages_keep_the_site_wide_policy(signed_in, session):
    report = make_report(session)
    response = signed_in.get(f"/casework/reports/{report.id}")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_a_pdf_is_shown_as_pictures_of_its_pages_in_a_sandboxed_page(signed_in, session, caseworker):
    evidence = make_evidence(session, make_report(session), pdf_with_hidden_identity(pages=2), "letter.pdf")
    response = signed_in.get(f"/casework/evidence/{evidence.id}/view")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Content-Security-Policy"] == VIEW_POLICY
    assert response.headers["Cache-Control"] == "no-store"
    assert "sandbox" in VIEW_POLICY and "script-src" not in VIEW_POLICY and "'self'" not in VIEW_POLICY
    pages = pictures(html)
    assert [page.format for page in pages] == ["PNG", "PNG"] and pages[0].width == 1000
    assert any(low != high for low, high in pages[0].getextrema())  # the words are drawn, not a blank page
    assert "<script" not in html and "/static/" not in html and CANARY not in html
    assert "Only the first" not in html
    event = session.exec(select(CustodyEvent).where(CustodyEvent.action == "viewed")).one()
    assert (event.evidence_id, event.user_id) == (evidence.id, caseworker.id)
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.view")).one()
    assert '"view"' in audit.detail


def test_a_long_pdf_shows_its_first_pages_and_says_so(signed_in, session):
    evidence = make_evidence(session, make_report(session), pdf_with_hidden_identity(pages=22), "long.pdf")
    html = signed_in.get(f"/casework/evidence/{evidence.id}/view").get_data(as_text=True)
    assert len(PICTURE.findall(html)) == 20 and "Only the first 20 pages are shown" in html


def test_text_is_shown_escaped(signed_in, session):
    evidence = make_evidence(session, make_report(session), HTML_AS_TEXT, "page.html")
    html = signed_in.get(f"/casework/evidence/{evidence.id}/view").get_data(as_text=True)
    assert "&lt;script&gt;fetch(" in html and "<script>" not in html and "<body><script" not in html


def test_an_image_is_shown_as_its_metadata_free_copy(signed_in, session):
    from tests.intake.helpers import jpeg_with_gps

    evidence = make_evidence(session, make_report(session), jpeg_with_gps(), "photo.jpg")
    html = signed_in.get(f"/casework/evidence/{evidence.id}/view").get_data(as_text=True)
    (kind, data), = PICTURE.findall(html)
    assert kind == "image/jpeg" and b"CanaryPhoneMaker" not in base64.b64decode(data)


def test_the_report_page_offers_the_safe_view(signed_in, session):
    report = make_report(session)
    evidence = make_evidence(session, report)
    page = signed_in.get(f"/casework/reports/{report.id}").get_data(as_text=True)
    assert f'href="/casework/evidence/{evidence.id}/view"' in page
