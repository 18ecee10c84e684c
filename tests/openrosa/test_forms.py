"""The OpenRosa Form List API and the generated XForms: listed, downloadable, well formed, in
every catalog language (Uyghur right to left), and filled in by a client they come back stored."""
from __future__ import annotations

import copy
import hashlib
import secrets
from xml.etree.ElementTree import Element, tostring

import pytest
from defusedxml.ElementTree import fromstring
from flask_babel import force_locale, gettext
from pyxform.xform2json import XFormToDictBuilder
from sqlmodel import select

from tracker.models import Report

from .conftest import HTTPS, submit

LIST = "{http://openrosa.org/xforms/xformsList}"
XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"
ARABIC_SCRIPT = range(0x0600, 0x0700)


@pytest.fixture
def form_list(client, device) -> list[dict[str, str]]:
    """The form list as a client reads it: formID, name, version, hash, downloadUrl."""
    response = client.get("/openrosa/formList", headers=device.headers(), base_url=HTTPS)
    assert response.status_code == 200 and response.headers["X-OpenRosa-Version"] == "1.0"
    assert response.content_type.startswith("text/xml")
    root = fromstring(response.data)
    return [{child.tag.removeprefix(LIST): child.text or "" for child in entry} for entry in root.iter(f"{LIST}xform")]


def download(client, device, entry: dict[str, str]) -> bytes:
    """Fetch a form at its downloadUrl and check it against the listed hash."""
    response = client.get(entry["downloadUrl"].removeprefix(HTTPS), headers=device.headers(), base_url=HTTPS)
    assert response.status_code == 200
    assert entry["hash"] == "md5:" + hashlib.md5(response.data, usedforsecurity=False).hexdigest()
    return response.data


def test_the_form_list_needs_a_device_credential(client):
    assert client.get("/openrosa/formList", base_url=HTTPS).status_code == 401


def test_one_form_per_reporter_language_is_listed(app, form_list):
    languages = list(app.extensions["tracker.languages"])
    assert [entry["formID"] for entry in form_list] == [f"tnr_report_{code}" for code in languages]
    assert all(entry["version"] and entry["hash"].startswith("md5:") for entry in form_list)
    assert len({entry["version"] for entry in form_list}) == 1  # one content, opening in each language


def test_form_id_filter(client, device):
    response = client.get("/openrosa/formList?formID=tnr_report_bo", headers=device.headers(), base_url=HTTPS)
    assert [e.text for e in fromstring(response.data).iter(f"{LIST}formID")] == ["tnr_report_bo"]


def test_an_unknown_form_is_a_404(client, device):
    response = client.get("/openrosa/forms/nothing.xml", headers=device.headers(), base_url=HTTPS)
    assert response.status_code == 404


def test_every_form_has_itext_in_every_language(app, client, device, form_list):
    languages = list(app.extensions["tracker.languages"])
    for entry in form_list:
        root = fromstring(download(client, device, entry))
        translations = list(root.iter(f"{XF}translation"))
        codes = [t.get("lang").rsplit("(", 1)[1].rstrip(")") for t in translations]
        assert codes == [code.replace("_", "-") for code in languages]
        ids = [{text.get("id") for text in t.iter(f"{XF}text")} for t in translations]
        assert all(each == ids[0] for each in ids), "a language lacks a label"
        default = [t for t in translations if t.get("default")]
        opening = entry["formID"].removeprefix("tnr_report_").replace("_", "-")
        assert len(default) == 1 and default[0].get("lang").endswith(f"({opening})")
        # Every label and hint the body shows refers to an itext entry that exists.
        refs = {label.get("ref")[len("jr:itext('"):-2] for label in root.iter()
                if label.get("ref", "").startswith("jr:itext('")}
        assert refs and refs <= ids[0]


def test_uyghur_labels_are_the_catalogs_right_to_left_text(app, client, device, form_list):
    entry = next(e for e in form_list if e["formID"] == "tnr_report_ug")
    root = fromstring(download(client, device, entry))
    uyghur = next(t for t in root.iter(f"{XF}translation") if t.get("lang").endswith("(ug)"))
    texts = {t.get("id"): "".join(t.itertext()).strip() for t in uyghur.iter(f"{XF}text")}
    with app.test_request_context(), force_locale("ug"):
        expected = gettext("What happened?")
    assert texts["/data/what/tactics:label"] == expected
    assert sum(1 for ch in expected if ord(ch) in ARABIC_SCRIPT) > len(expected) // 2
    assert app.extensions["tracker.languages"]["ug"][1] == "rtl"


def test_pyxform_reads_the_form_back(client, device, form_list):
    """pyxform's own XForm reader parses what it wrote, with every question and language."""
    entry = next(e for e in form_list if e["formID"] == "tnr_report_en")
    survey = XFormToDictBuilder(download(client, device, entry).decode()).new_doc
    names = {child["name"] for child in survey["children"]}
    assert {"urgent_risk", "about", "relatives", "evidence", "narrative", "meta"} <= names
    urgent = next(child for child in survey["children"] if child["name"] == "urgent_risk")
    assert len(urgent["label"]) == len(survey["children"][0]["label"]) >= 10


def filled_instance(xform: bytes, answers: dict[str, str], instance_id: str) -> bytes:
    """What a client saves: the form's primary instance with answers in its empty elements."""
    root = fromstring(xform)
    data = copy.deepcopy(next(root.iter(f"{XF}instance"))[0])
    for element in list(data.iter()):
        for child in list(element):
            if child.get("{http://openrosa.org/javarosa}template") is not None:
                element.remove(child)  # the repeat's template is not part of a saved instance
    for element in data.iter():
        name = element.tag.removeprefix(XF)
        if name in answers:
            element.text = answers[name]
    next(e for e in data.iter() if e.tag.endswith("instanceID")).text = instance_id
    return tostring(_without_namespace(data), encoding="utf-8", xml_declaration=True)


def _without_namespace(element: Element) -> Element:
    for each in element.iter():
        each.tag = each.tag.removeprefix(XF)
    return element


def test_a_client_filling_the_downloaded_form_gets_its_report_stored(client, session, device, form_list):
    entry = next(e for e in form_list if e["formID"] == "tnr_report_bo")
    answers = {"submitter_role": "self", "tactics": "interpol_abuse travel_ban", "event_date": "2023-02-01",
               "event_date_precision": "exact", "origin_country": "CN", "host_country": "IN",
               "relationship_type": "sibling", "statuses": "imprisoned", "date_imprisoned": "2021",
               "sentence_years": "4.5", "narrative": "A notice arrived.", "consent_partners": "OK",
               "file": "scan.txt"}
    xml = filled_instance(download(client, device, entry), answers, f"uuid:{secrets.token_hex(8)}")
    response = submit(client, device, xml, [("scan.txt", "text/plain", b"scanned words\n")])
    assert response.status_code == 201, response.get_data(as_text=True)
    report = session.exec(select(Report)).one()
    assert (report.language, report.origin_country, report.consent_partners) == ("bo", "CN", True)
    assert report.relatives[0].statuses == [{"status": "imprisoned", "date": "2021-01-01", "precision": "year",
                                             "sentence_months": 54}]
    assert len(report.evidence) == 1
