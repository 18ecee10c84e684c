"""The admin page for device credentials: the secret is shown once, only a digest is kept,
issuing and revoking are audited, and only admins may use it."""
from __future__ import annotations

import flask_babel
from sqlmodel import select

from tests.conftest import csrf_token, login_as
from tests.factories import make_user
from tracker.models import AuditEvent, DeviceCredential

from .conftest import HTTPS, issue_through_page


def test_the_secret_is_shown_once_and_only_its_digest_is_kept(app, session):
    device = issue_through_page(app, session, label="Team phone 7")
    row = session.exec(select(DeviceCredential)).one()
    assert (row.username, row.label) == (device.username, "Team phone 7")
    assert device.password not in row.secret_digest and len(row.secret_digest) == 64
    admin = app.test_client()
    login_as(admin, make_user(session, "admin"))
    page = admin.get("/staff/admin/devices/").get_data(as_text=True)
    assert device.username in page and device.password not in page
    assert "https://" not in page or "/openrosa" in page  # the server URL to type into the app


def test_the_issued_page_has_a_configuration_qr_code(app, session):
    client = app.test_client()
    login_as(client, make_user(session, "admin"))
    page = client.post("/staff/admin/devices/", data={"csrf_token": csrf_token(client, "/staff/admin/devices/"),
                                                      "label": "Phone <b>9</b>"}).get_data(as_text=True)
    assert '<svg' in page and 'class="collect-qr"' in page
    assert "Phone &lt;b&gt;9&lt;/b&gt;" in page and "Phone <b>9</b>" not in page  # the label is escaped


def test_issue_and_revoke_are_audited_and_revocation_is_immediate(app, client, session):
    device = issue_through_page(app, session)
    assert client.head("/openrosa/submission", headers=device.headers(), base_url=HTTPS).status_code == 204
    admin = app.test_client()
    login_as(admin, make_user(session, "admin"))
    row = session.exec(select(DeviceCredential)).one()
    response = admin.post(f"/staff/admin/devices/{row.id}/revoke",
                          data={"csrf_token": csrf_token(admin, "/staff/admin/devices/")})
    assert response.status_code == 302
    assert client.head("/openrosa/submission", headers=device.headers(), base_url=HTTPS).status_code == 401
    actions = [event.action for event in session.exec(select(AuditEvent).where(
        AuditEvent.object_type == "device_credential")).all()]
    assert actions == ["openrosa.device_issue", "openrosa.device_revoke"]
    again = admin.post(f"/staff/admin/devices/{row.id}/revoke",
                       data={"csrf_token": csrf_token(admin, "/staff/admin/devices/")})
    assert again.status_code == 404


def test_a_device_needs_a_name(app, session):
    admin = app.test_client()
    login_as(admin, make_user(session, "admin"))
    response = admin.post("/staff/admin/devices/", data={"csrf_token": csrf_token(admin, "/staff/admin/devices/"),
                                                         "label": "  "})
    assert response.status_code == 422 and session.exec(select(DeviceCredential)).first() is None


def test_caseworkers_may_not_issue_credentials(app, session):
    caseworker = app.test_client()
    login_as(caseworker, make_user(session, "caseworker"))
    assert caseworker.get("/staff/admin/devices/").status_code == 403


def test_errors_reach_the_collector_in_their_language(client, device):
    # The test's session fixture holds one app context for every request, where Flask-Babel
    # keeps the locale the admin page used; a server gives each request its own.
    flask_babel.refresh()
    headers = {**device.headers(), "Accept-Language": "ug"}
    response = client.post("/openrosa/submission", data={"x": "y"}, headers=headers, base_url=HTTPS)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "xml_submission_file" in text and any(0x0600 <= ord(ch) < 0x0700 for ch in text)
