"""Fixtures for the OpenRosa tests: a device credential issued through the admin page, and
requests written as the OpenRosa specification describes them (raw multipart bodies, HTTP Basic).
"""
from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass

import pytest

from tests.conftest import csrf_token, login_as
from tests.factories import make_user

HTTPS = "https://tracker.example"
USERNAME = re.compile(r"<dt>User name</dt><dd><code>([^<]+)</code>")
PASSWORD = re.compile(r'<code class="one-time-secret">([^<]+)</code>')


@pytest.fixture(scope="session")
def forms_folder(tmp_path_factory):
    """One folder of generated XForms for the run: building ten takes seconds, once."""
    return tmp_path_factory.mktemp("openrosa-forms")


@pytest.fixture
def app_config(forms_folder) -> dict:
    """Every test app keeps its generated forms in the run's folder."""
    return {"OPENROSA_FORMS_FOLDER": str(forms_folder)}


@dataclass
class Device:
    """A device credential as the admin page showed it."""

    username: str
    password: str

    def headers(self, password: str | None = None) -> dict[str, str]:
        """The headers ODK Collect sends: OpenRosa version, a device date, Basic credentials."""
        pair = f"{self.username}:{password or self.password}".encode()
        return {"X-OpenRosa-Version": "1.0", "Date": "Thu, 03 Dec 2026 10:00:00 GMT",
                "Authorization": "Basic " + base64.b64encode(pair).decode()}


def issue_through_page(app, session, label: str = "Team phone 1") -> Device:
    """Sign an admin in and issue a credential on the devices page; read what the page shows."""
    client = app.test_client()
    admin = make_user(session, "admin")
    assert login_as(client, admin).status_code == 302
    page = client.post("/staff/admin/devices/", data={"csrf_token": csrf_token(client, "/staff/admin/devices/"),
                                                      "label": label})
    assert page.status_code == 200, page.status_code
    text = page.get_data(as_text=True)
    return Device(USERNAME.search(text).group(1), PASSWORD.search(text).group(1))


@pytest.fixture
def device(app, session) -> Device:
    """A live device credential."""
    return issue_through_page(app, session)


def multipart(parts: list[tuple[str, str, str, bytes]],
              extra_fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body written by hand: (field name, file name, content type, bytes)
    per part, as ODK Collect sends a submission (the XML as ``xml_submission_file``, each
    attachment under its own file name)."""
    boundary = "----openrosa" + secrets.token_hex(8)
    chunks = []
    for name, filename, content_type, data in parts:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                      f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    for name, value in (extra_fields or {}).items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def instance_xml(instance_id: str | None = None, *, form_id: str = "tnr_report_ug", body: str = "") -> bytes:
    """An instance as ODK Collect saves it: groups as elements, a repeat per relative, the
    OpenRosa metadata block last."""
    instance_id = instance_id or f"uuid:{secrets.token_hex(16)}"
    body = body or (
        "<urgent_risk/><about><submitter_role>relative</submitter_role><targets>relative</targets>"
        "<community>uyghur</community></about>"
        "<what><tactics>coercion_by_proxy information_demand</tactics></what>"
        "<when_where><event_date>2024-05-17</event_date><event_date_precision>month</event_date_precision>"
        "<place_text>Kashgar</place_text><place_country>CN</place_country><host_country>DE</host_country>"
        "<origin_country>CN</origin_country></when_where>"
        "<how_who><channels>wechat</channels><perpetrator_types/><perpetrator_affiliation/><demands/></how_who>"
        "<relatives><relationship_type>parent</relationship_type><residence_country>CN</residence_country>"
        "<residence_place/><statuses>questioned detained_administrative</statuses>"
        "<date_questioned>2019-03</date_questioned><date_detained_administrative>2019</date_detained_administrative>"
        "<roughly>detained_administrative</roughly><sentence_years/><in_retaliation>likely</in_retaliation>"
        "<details/></relatives>"
        "<narrative>They called my mother and asked about my friends abroad.</narrative>"
        "<may><consent_statistics>OK</consent_statistics><consent_contact/><consent_partners/></may><contact/>")
    return (f'<?xml version="1.0"?>\n<data xmlns:jr="http://openrosa.org/javarosa" '
            f'xmlns:orx="http://openrosa.org/xforms" id="{form_id}" version="1">{body}'
            f"<meta><instanceID>{instance_id}</instanceID></meta></data>").encode()


def submit(client, device: Device | None, xml: bytes, attachments: list[tuple[str, str, bytes]] = (),
           *, password: str | None = None, extra_fields: dict[str, str] | None = None, base_url: str = HTTPS):
    """POST a submission: the XML and its attachments (file name, content type, bytes)."""
    parts = [("xml_submission_file", "submission.xml", "text/xml", xml)]
    parts += [(filename, filename, content_type, data) for filename, content_type, data in attachments]
    body, content_type = multipart(parts, extra_fields)
    headers = device.headers(password) if device else {"X-OpenRosa-Version": "1.0"}
    return client.post("/openrosa/submission", data=body, headers={**headers, "Content-Type": content_type},
                       base_url=base_url)
