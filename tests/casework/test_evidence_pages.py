"""Evidence in casework: downloads that never render inline, audit and custody, hash checks."""
import io

import pytest
from PIL import Image
from sqlmodel import select

from tests.conftest import login_as, post_form
from tests.factories import make_case, make_evidence, make_report, make_user
from tracker.models import AuditEvent, CustodyEvent


def _jpeg_with_gps_tag() -> bytes:
    """A small JPEG carrying EXIF (a GPS IFD), as a phone would write it."""
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 28.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_download_is_decrypted_as_an_attachment_and_recorded(signed_in, session, caseworker):
    report = make_report(session)
    evidence = make_evidence(session, report, b"<script>alert(1)</script> looks like HTML\n", "page.html")
    response = signed_in.get(f"/casework/evidence/{evidence.id}")
    assert response.status_code == 200
    assert response.data == b"<script>alert(1)</script> looks like HTML\n"
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Content-Disposition"] == f'attachment; filename="evidence-{evidence.id}.txt"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "page.html" not in str(response.headers)  # the reporter's file name stays sealed
    view = session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.view")).one()
    assert (view.user_id, view.object_type, view.object_id) == (caseworker.id, "evidence", str(evidence.id))
    received, event = session.exec(select(CustodyEvent).order_by(CustodyEvent.id)).all()
    assert received.action == "received" and received.user_id is None  # recorded at intake
    assert (event.evidence_id, event.user_id, event.action) == (evidence.id, caseworker.id, "downloaded")


def test_images_download_without_metadata_and_the_original_only_when_kept(signed_in, session):
    report = make_report(session)
    stripped = make_evidence(session, report, _jpeg_with_gps_tag(), "photo.jpg")
    kept = make_evidence(session, report, _jpeg_with_gps_tag(), "photo.jpg", keep_original=True)
    clean = signed_in.get(f"/casework/evidence/{stripped.id}")
    assert clean.status_code == 200 and b"Exif" not in clean.data
    assert signed_in.get(f"/casework/evidence/{stripped.id}?copy=original").status_code == 404
    original = signed_in.get(f"/casework/evidence/{kept.id}?copy=original")
    assert original.status_code == 200 and b"Exif" in original.data
    assert original.headers["Content-Disposition"].endswith(f'evidence-{kept.id}-original.jpg"')
    actions = [e.action for e in session.exec(select(CustodyEvent).order_by(CustodyEvent.id))]
    assert actions == ["received", "received", "downloaded", "downloaded_original"]


def test_the_report_page_lists_files_with_their_chain_of_custody(signed_in, session):
    report = make_report(session)
    evidence = make_evidence(session, report)
    url = f"/casework/reports/{report.id}"
    response = post_form(signed_in, f"/casework/evidence/{evidence.id}/custody", {"action": "copied_offline"},
                         form_url=url)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{url}#evidence-{evidence.id}")
    page = signed_in.get(url).get_data(as_text=True)
    assert evidence.sha256 in page and "Copied to offline storage" in page and "Received from the reporter" in page
    refused = post_form(signed_in, f"/casework/evidence/{evidence.id}/custody", {"action": "downloaded"},
                        form_url=url, follow_redirects=True)
    assert "not a custody action" in refused.get_data(as_text=True)
    assert [e.action for e in session.exec(select(CustodyEvent).order_by(CustodyEvent.id))] == [
        "received", "copied_offline"]
    custody = session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.custody")).one()
    assert '"copied_offline"' in custody.detail


def test_integrity_check_compares_the_file_with_its_intake_fingerprint(signed_in, session, app):
    report = make_report(session)
    evidence = make_evidence(session, report)
    url = f"/casework/reports/{report.id}"
    page = post_form(signed_in, f"/casework/evidence/{evidence.id}/check", {}, form_url=url,
                     follow_redirects=True).get_data(as_text=True)
    assert "matches its intake fingerprint" in page
    evidence.sha256 = "0" * 64  # as if the stored file had been swapped
    session.add(evidence)
    session.commit()
    page = post_form(signed_in, f"/casework/evidence/{evidence.id}/check", {}, form_url=url,
                     follow_redirects=True).get_data(as_text=True)
    assert "does NOT match" in page
    actions = [e.action for e in session.exec(select(CustodyEvent).order_by(CustodyEvent.id))]
    assert actions == ["received", "integrity_confirmed", "integrity_failed"]


@pytest.mark.parametrize("role", ["analyst", "admin"])
@pytest.mark.parametrize("suffix", ["", "/view"])  # the download and the safe view
def test_other_roles_cannot_open_evidence(client, session, role, suffix):
    evidence = make_evidence(session, make_report(session))
    login_as(client, make_user(session, role))
    assert client.get(f"/casework/evidence/{evidence.id}{suffix}").status_code == 403
    assert [e.action for e in session.exec(select(CustodyEvent))] == ["received"]


def test_a_missing_file_is_a_404(signed_in, session, app):
    import os

    evidence = make_evidence(session, make_report(session))
    os.remove(os.path.join(app.config["EVIDENCE_FOLDER"], evidence.stored_name))
    assert signed_in.get(f"/casework/evidence/{evidence.id}").status_code == 404


def test_a_file_filed_with_a_case_leads_back_to_the_case(signed_in, session):
    case = make_case(session)
    evidence = make_evidence(session, make_report(session))
    evidence.report_id, evidence.case_id = None, case.id
    session.add(evidence)
    session.commit()
    response = post_form(signed_in, f"/casework/evidence/{evidence.id}/custody", {"action": "shown_to_expert"},
                         form_url=f"/casework/cases/{case.id}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/casework/cases/{case.id}")
