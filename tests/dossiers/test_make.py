"""Making dossiers: consent first, then the PDF with every script, redactions, the intervention and the audit."""
from __future__ import annotations

import ctypes
import io
import re
import socket
from datetime import date

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from sqlmodel import select

from tests.dossiers.conftest import ACTIVIST, BROTHER, DAUGHTER, FATHER, MOTHER
from tracker import taxonomy
from tracker.dossiers.consent import ConsentMissing, record_consent, withdraw_consent
from tracker.dossiers.make import DossierRequest, make_dossier
from tracker.models import AuditEvent, Intervention


@pytest.fixture(autouse=True)
def request_context(app, session):
    """Messages are translated for the request that asks, as in the staff pages."""
    with app.test_request_context():
        yield


def pdf_text(pdf: bytes) -> str:
    """Every page's text as PDFium extracts it."""
    document = pypdfium2.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts embedded in the PDF, without the subset prefix."""
    names = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for _name, font in page.Resources.get("/Font", {}).items():
                names.add(str(font.get("/BaseFont")).split("+", 1)[-1])
    return names


def fonts_of_characters(pdf: bytes) -> dict[str, set[str]]:
    """Each character PDFium reads from the PDF and the embedded fonts it is set in (subset tag dropped)."""
    found: dict[str, set[str]] = {}
    buffer, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    for page in pypdfium2.PdfDocument(pdf):
        textpage = page.get_textpage()
        for index in range(pdfium_c.FPDFText_CountChars(textpage)):
            character = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
            pdfium_c.FPDFText_GetFontInfo(textpage, index, buffer, len(buffer), ctypes.byref(flags))
            found.setdefault(character, set()).add(buffer.value.decode().split("+", 1)[-1])
    return found


def squeeze(text: str) -> str:
    """Text without white space: PDFium puts spaces between Tibetan stacks that sit apart."""
    return re.sub(r"\s+", "", text)


def consent(session, family, mechanism, caseworker, given_by=None):
    return record_consent(session, family.case, family.subject, mechanism, given_by=given_by or family.source,
                          given_on=date(2026, 11, 30), method="written", note=None, user_id=caseworker.id)


def test_without_consent_the_dossier_is_refused_and_the_refusal_audited(session, uyghur_family, caseworker):
    with pytest.raises(ConsentMissing, match="No consent"):
        make_dossier(session, uyghur_family.case, DossierRequest(uyghur_family.subject.id, "un_wgeid"),
                     user_id=caseworker.id)
    session.commit()
    refused = session.exec(select(AuditEvent).where(AuditEvent.action == "dossier.refused")).one()
    assert refused.outcome == "refused" and refused.user_id == caseworker.id
    assert not session.exec(select(Intervention).where(Intervention.intervention_type == "un_wgeid")).all()


def test_a_consent_for_another_mechanism_or_withdrawn_does_not_count(session, uyghur_family, caseworker):
    consent(session, uyghur_family, "referral_host_police", caseworker)
    given = consent(session, uyghur_family, "un_wgeid", caseworker)
    withdraw_consent(session, uyghur_family.case, given.id, user_id=caseworker.id)
    with pytest.raises(ConsentMissing):
        make_dossier(session, uyghur_family.case, DossierRequest(uyghur_family.subject.id, "un_wgeid"),
                     user_id=caseworker.id)


def test_wgeid_dossier_has_every_name_and_script_and_opens_an_intervention(session, uyghur_family, caseworker,
                                                                           monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("a dossier must not open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    consent(session, uyghur_family, "un_wgeid", caseworker)
    made = make_dossier(session, uyghur_family.case, DossierRequest(uyghur_family.subject.id, "un_wgeid"),
                        user_id=caseworker.id)
    session.commit()
    assert made.pdf.startswith(b"%PDF-")
    text = pdf_text(made.pdf)
    for entry in FATHER + DAUGHTER + BROTHER:
        assert entry["name"] in text, entry
    assert "ئابدۇرېشىت توختى" in text  # joined Arabic letters in logical order, not presentation forms
    assert "Kashgar city detention centre No. 2" in text and "2018-03" in text
    assert "Kashgar Public Security Bureau" in text and "Security or intelligence service" in text
    assert "Sentenced to prison" in text and "No proof of life since" in text
    fonts = embedded_fonts(made.pdf)
    assert {"Noto-Naskh-Arabic", "Noto-Sans-CJK-SC", "Noto-Sans"} <= fonts, fonts
    intervention = session.get(Intervention, made.intervention.id)
    assert (intervention.intervention_type, intervention.outcome) == ("un_wgeid", "pending")
    assert made.sha256 in intervention.description
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "dossier.create")).one()
    assert event.user_id == caseworker.id and event.object_id == str(uyghur_family.case.id)
    assert made.sha256 in event.detail and str(uyghur_family.subject.id) in event.detail
    assert "Abdureshit" not in event.detail


def test_redacted_names_and_addresses_do_not_appear_anywhere(session, uyghur_family, caseworker):
    consent(session, uyghur_family, "un_urgent_appeal", caseworker)
    wanted = DossierRequest(uyghur_family.subject.id, "un_urgent_appeal",
                            redactions=frozenset({"source_name", "relative_names", "addresses"}))
    text = pdf_text(make_dossier(session, uyghur_family.case, wanted, user_id=caseworker.id).pdf)
    for entry in FATHER:
        assert entry["name"] in text
    for entry in DAUGHTER + BROTHER:
        assert entry["name"] not in text, entry
    assert "Mihriban" not in text and "Ekrem" not in text  # also scrubbed out of summaries and notes
    assert "Kerkstraat" not in text and "detention centre No. 2" not in text and "Yengisheher, Kashgar" not in text
    assert "[withheld]" in text and "Child" in text  # the source is the person's child


def test_police_dossier_keeps_to_the_host_country_and_lists_evidence_hashes(session, tibetan_activist, caseworker):
    consent(session, tibetan_activist, "referral_host_police", caseworker, given_by=tibetan_activist.subject)
    made = make_dossier(session, tibetan_activist.case,
                        DossierRequest(tibetan_activist.subject.id, "referral_host_police"), user_id=caseworker.id)
    text = pdf_text(made.pdf)
    squeezed = squeeze(text)
    for entry in ACTIVIST + MOTHER:
        assert squeeze(entry["name"]) in squeezed, entry
    flowing = " ".join(text.split())
    assert "Switzerland" in text and taxonomy.label("tactic", "surveillance_monitoring") in flowing
    assert "outside the Lausanne vigil" in flowing and taxonomy.label("channel", "in_person_public") in flowing
    assert "Dharamsala" not in text  # an incident in India is not for the Swiss police
    from tracker.models import Evidence

    evidence = session.exec(select(Evidence)).one()
    assert squeeze(evidence.sha256) in squeezed
    fonts = embedded_fonts(made.pdf)
    assert {"Noto-Serif-Tibetan", "Noto-Sans-CJK-TC"} <= fonts, fonts
    assert session.get(Intervention, made.intervention.id).intervention_type == "referral_host_police"


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/tracker.png", "https://example.org/font.woff2",
                                 "file:///etc/passwd", "data:text/css,body{color:red}"])
def test_the_pdf_maker_fetches_nothing_at_all(url):
    from weasyprint.urls import FatalURLFetchingError

    from tracker.dossiers.pdf import LocalOnlyFetcher, html_to_pdf

    fetcher = LocalOnlyFetcher()
    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(f'<link rel="stylesheet" href="{url}"><img src="{url}"><p>x</p>', fetcher)
    assert fetcher.refused == [url]


def test_a_name_that_looks_like_markup_is_printed_not_fetched(session, uyghur_family, caseworker):
    uyghur_family.subject.names = [{"name": '<img src="http://127.0.0.1:9/x.png">Abdureshit', "script": "Latn"}]
    session.add(uyghur_family.subject)
    consent(session, uyghur_family, "un_wgeid", caseworker)
    made = make_dossier(session, uyghur_family.case, DossierRequest(uyghur_family.subject.id, "un_wgeid"),
                        user_id=caseworker.id)
    assert '<img src="http://127.0.0.1:9/x.png">Abdureshit' in pdf_text(made.pdf)


# Every script the tracker ships a catalog for, with the font family that must set it.
SCRIPTS = [("ئابدۇرېشىت توختى", "Arab", "Noto-Naskh-Arabic"), ("བསྟན་འཛིན་རྡོ་རྗེ", "Tibt", "Noto-Serif-Tibetan"),
           ("阿不都热西提", "Hans", "Noto-Sans-CJK-SC"), ("丹增多傑", "Hant", "Noto-Sans-CJK-TC"),
           ("សុខ សំណាង", "Khmr", "Noto-Sans-Khmer"), ("ሰላም ተስፋይ", "Ethi", "Noto-Sans-Ethiopic"),
           ("Abdureshit Tohti", "Latn", "Noto-Sans")]


def test_every_shipped_script_is_set_in_an_embedded_font_that_has_it(session, uyghur_family, caseworker):
    uyghur_family.subject.names = [{"name": name, "script": script} for name, script, _font in SCRIPTS]
    session.add(uyghur_family.subject)
    consent(session, uyghur_family, "un_wgeid", caseworker)
    pdf = make_dossier(session, uyghur_family.case, DossierRequest(uyghur_family.subject.id, "un_wgeid"),
                       user_id=caseworker.id).pdf
    text, fonts = squeeze(pdf_text(pdf)), fonts_of_characters(pdf)
    assert "\ufffd" not in fonts and "\x00" not in fonts  # no glyph without a character behind it
    for name, _script, font in SCRIPTS:
        assert squeeze(name) in text, name
        for character in squeeze(name):
            # Han characters shared by both forms may come from either CJK font; the rest from exactly theirs.
            allowed = {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-TC"} if "CJK" in font else {font}
            assert fonts[character] & allowed, (name, character, fonts[character])
    assert fonts["傑"] == {"Noto-Sans-CJK-TC"}  # the traditional name in the traditional font
