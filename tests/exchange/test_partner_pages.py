"""The staff pages of partner exchange: keys and partners (admins), export and import (caseworkers)."""
import io
import json

import pyrage
import pytest
from sqlmodel import func, select

from tests.conftest import csrf_token, login_as, post_form
from tests.exchange.partner_instances import partner_instance, partner_session, register_each_other, run
from tests.exchange.test_packages import fake_partner
from tests.exchange.test_partner_exchange import REFUSING_NAME, REFUSING_NARRATIVE, build_case
from tests.factories import make_user
from tracker.exchange.partners import encode_key, ensure_identity
from tracker.models import AuditEvent, Partner, Person, User

PAGE = "/casework/exchange/"
EXPORT = "/casework/exchange/export"
IMPORT = "/casework/exchange/import"
partner_app = pytest.fixture(partner_instance)


def test_an_admin_makes_the_keys_and_registers_partners_and_a_caseworker_cannot(client, session):
    admin = make_user(session, "admin")
    login_as(client, admin)
    made = post_form(client, PAGE + "identity", {"organisation": "Org A"}, form_url=PAGE).get_data(as_text=True)
    assert "exchange keys are made" in made and "age1" in made
    other = fake_partner(session, "unused", register=False)
    refused = post_form(client, PAGE + "partners", {"name": "Org P", "recipient": "age1notakey"}, form_url=PAGE)
    assert refused.status_code == 422 and 'value="Org P"' in refused.get_data(as_text=True)  # kept as typed
    added = post_form(client, PAGE + "partners", {"name": "Org P", "recipient": other.age_recipient,
                                                  "signing_key": encode_key(other.signing_public)}, form_url=PAGE)
    assert added.status_code == 200 and "Registered Org P." in added.get_data(as_text=True)
    assert session.exec(select(func.count()).select_from(Partner)).one() == 1
    worker = make_user(session, "caseworker")
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, PAGE)})
    login_as(client, worker)
    assert "Org P" in client.get(PAGE).get_data(as_text=True)
    assert post_form(client, PAGE + "partners", {"name": "Org Q", "recipient": other.age_recipient},
                     form_url=PAGE).status_code == 403


def test_a_caseworker_downloads_only_consented_records(client, session):
    ensure_identity(session, "Org A", user_id=None)
    partner = fake_partner(session)
    case = build_case(session)
    login_as(client, make_user(session, "caseworker"))
    partner_id = session.exec(select(Partner.id)).one()
    case_page = client.get(f"/casework/cases/{case.id}").get_data(as_text=True)
    assert f"/casework/exchange/export?case_reference={case.reference}" in case_page
    form = client.get(EXPORT + f"?case_reference={case.reference}").get_data(as_text=True)
    assert f'value="{case.reference}"' in form
    response = post_form(client, EXPORT, {"case_reference": case.reference, "partner_id": partner_id,
                                          "redaction": "full"})
    assert response.status_code == 200 and response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="package-')
    plaintext = pyrage.decrypt(response.data, [partner.age_identity]).decode("utf-8")
    assert "Aynur Sharer" in plaintext and REFUSING_NAME not in plaintext and REFUSING_NARRATIVE not in plaintext
    assert json.loads(plaintext)["package"]["redaction"] == "full"
    assert "exchange.export" in session.exec(select(AuditEvent.action)).all()
    both = post_form(client, EXPORT, {"case_reference": case.reference, "incident_ids": "1", "partner_id": partner_id})
    assert both.status_code == 422 and case.reference in both.get_data(as_text=True)  # the form keeps it


def test_a_case_outside_the_caseworkers_communities_is_not_found(client, session):
    ensure_identity(session, "Org A", user_id=None)
    fake_partner(session)
    case = build_case(session)  # a Uyghur family
    login_as(client, make_user(session, "caseworker", communities=["tibetan"]))
    response = post_form(client, EXPORT, {"case_reference": case.reference,
                                          "partner_id": session.exec(select(Partner.id)).one(), "redaction": "full"})
    assert response.status_code == 404


def test_a_caseworker_previews_then_imports_an_uploaded_package(client, session, app, partner_app, tmp_path):
    pair = register_each_other(app, session, partner_app)
    with partner_session(partner_app) as b:
        reference = build_case(b).reference
    package = tmp_path / "to-a.age"
    assert run(partner_app, "exchange", "export", "--case", reference, "--to", "Org A", "--output", str(package),
               "--as", pair["b"]).exit_code == 0
    login_as(client, session.exec(select(User).where(User.email == pair["a"])).one())

    def upload(action):
        return client.post(IMPORT, data={"csrf_token": csrf_token(client, PAGE), "action": action,
                                         "package": (io.BytesIO(package.read_bytes()), "to-a.age")},
                           content_type="multipart/form-data")

    people = session.exec(select(func.count()).select_from(Person)).one()
    preview = upload("preview").get_data(as_text=True)
    assert "Preview: nothing was written" in preview and "Org B" in preview
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Person)).one() == people
    done = upload("import").get_data(as_text=True)
    assert "Imported" in done and "2 person" in done
    assert "was imported before" in upload("import").get_data(as_text=True)
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Person)).one() == people + 2
    received = session.exec(select(Person.id).where(Person.source_partner_id.is_not(None))).first()
    assert "Received from a partner organisation" in client.get(f"/casework/people/{received}").get_data(as_text=True)
    unsigned = client.post(IMPORT, data={"action": "import", "package": (io.BytesIO(package.read_bytes()), "x.age")},
                           content_type="multipart/form-data")
    assert unsigned.status_code == 400  # no CSRF token


def test_a_file_that_is_not_a_package_is_refused_on_the_page(client, session):
    ensure_identity(session, "Org A", user_id=None)
    login_as(client, make_user(session, "caseworker"))
    response = client.post(IMPORT, data={"csrf_token": csrf_token(client, PAGE), "action": "preview",
                                         "package": (io.BytesIO(b"not a package"), "x.age")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "not a package encrypted to this organisation" in response.get_data(
        as_text=True)


def test_an_admin_stops_sharing_with_a_partner(client, session):
    ensure_identity(session, "Org A", user_id=None)
    fake_partner(session)
    build_case(session)
    partner_id = session.exec(select(Partner.id)).one()
    login_as(client, make_user(session, "admin"))
    page = post_form(client, f"{PAGE}partners/{partner_id}/deactivate", {}, form_url=PAGE).get_data(as_text=True)
    assert "No more packages to or from Org P." in page
    session.expire_all()
    assert session.get(Partner, partner_id).active is False
    assert "exchange.partner_deactivate" in session.exec(select(AuditEvent.action)).all()
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, PAGE)})
    login_as(client, make_user(session, "caseworker"))
    refused = post_form(client, EXPORT, {"case_reference": "TNR-2026-00001", "partner_id": partner_id})
    assert refused.status_code == 422 and "Choose a partner" in refused.get_data(as_text=True)
