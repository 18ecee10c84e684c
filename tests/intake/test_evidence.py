"""Evidence uploads: type by content, size limits, metadata stripped, sealed on disk, hashed."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from tracker.evidence_store import current_store
from tracker.intake.evidence import (
    EvidenceRejected, Upload, check_uploads, read_evidence, strip_metadata,
)
from tracker.models import Evidence, Report

from .files import pdf_with_hidden_identity, wav_with_tags
from .helpers import jpeg_with_gps, png_bytes, receipt_of, send_report

LIMITS = {"max_file": 1000, "max_total": 1500, "max_count": 2}


@pytest.fixture
def app_config():
    return {"INTAKE_MAX_FILE_BYTES": 200_000, "INTAKE_MAX_REQUEST_BYTES": 300_000, "INTAKE_MAX_FILES": 3}


def evidence_folder(app) -> Path:
    return Path(app.config["EVIDENCE_FOLDER"])


def test_a_jpeg_with_gps_is_stored_without_any_metadata(app, client, session):
    original = jpeg_with_gps()
    response = send_report(client, {"narrative": "photo"}, files=[(io.BytesIO(original), "IMG_0001.jpg")])
    receipt_of(response)
    row = session.exec(select(Evidence)).one()
    assert row.sha256 == hashlib.sha256(original).hexdigest()
    assert row.mime_type == "image/jpeg" and row.size == len(original)
    assert row.original_filename == "IMG_0001.jpg"
    with app.app_context():
        from tracker.crypto import get_sealer

        clean = read_evidence(row.clean_stored_name, store=current_store(), sealer=get_sealer())
    image = Image.open(io.BytesIO(clean))
    assert image.format == "JPEG" and image.size == (40, 30)
    assert dict(image.getexif()) == {} and image.getexif().get_ifd(0x8825) == {}
    assert b"CanaryPhoneMaker" not in clean and b"CanaryXMP" not in clean and b"Exif" not in clean
    assert "xmp" not in image.info and "exif" not in image.info


def test_the_original_image_is_not_kept_by_default(app, client, session):
    send_report(client, {}, files=[(io.BytesIO(jpeg_with_gps()), "a.jpg")])
    row = session.exec(select(Evidence)).one()
    assert row.stored_name == row.clean_stored_name
    assert [p.name for p in evidence_folder(app).iterdir()] == [row.stored_name]


def test_files_on_disk_are_sealed_under_server_made_names(app, client, session):
    text = b"Names of the officers: CANARY-EVIDENCE-TEXT"
    send_report(client, {}, files=[(io.BytesIO(text), "../../etc/passwd.txt")])
    row = session.exec(select(Evidence)).one()
    assert row.mime_type == "text/plain" and row.clean_stored_name is None
    stored = evidence_folder(app) / row.stored_name
    assert stored.exists() and "passwd" not in row.stored_name
    assert b"CANARY-EVIDENCE-TEXT" not in stored.read_bytes()
    assert not Path(app.static_folder, row.stored_name).exists()


@pytest.mark.parametrize("name, data", [
    ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200),             # a Windows program named .jpg
    ("page.html", b"\x00\x01binary\xff\xfe" * 10),              # unknown binary
    ("zip.pdf", b"PK\x03\x04" + b"\x00" * 100),                  # a zip claiming to be a PDF
])
def test_types_are_checked_by_content_not_by_name(client, session, name, data):
    response = send_report(client, {"narrative": "kept"}, files=[(io.BytesIO(data), name)])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="evidence-error"' in html and "kept" in html
    assert session.exec(select(Report)).first() is None


@pytest.mark.parametrize("uploads, reason", [
    ([Upload("a.txt", b"a" * 1001)], "too_large"),
    ([Upload("a.txt", b"a" * 800), Upload("b.txt", b"b" * 800)], "too_large_total"),
    ([Upload(f"{i}.txt", b"x") for i in range(3)], "too_many"),
])
def test_size_and_count_limits(uploads, reason):
    with pytest.raises(EvidenceRejected) as caught:
        check_uploads(uploads, **LIMITS)
    assert caught.value.reason == reason


def test_accepted_types(app):
    limits = {**LIMITS, "max_file": 5000, "max_total": 9000}
    checked = check_uploads([Upload("a.pdf", pdf_with_hidden_identity()), Upload("p.png", png_bytes())], **limits)
    assert [c.mime_type for c in checked] == ["application/pdf", "image/png"]
    assert check_uploads([Upload("w.wav", wav_with_tags())], **limits)[0].mime_type in {"audio/x-wav", "audio/wav"}


def test_a_damaged_image_is_refused():
    with pytest.raises(EvidenceRejected) as caught:
        strip_metadata("image", Upload("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100))
    assert (caught.value.reason, caught.value.filename) == ("damaged", "broken.jpg")


def test_a_png_keeps_transparency_and_loses_text_chunks():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "CanaryPngText")
    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (1, 2, 3, 4)).save(out, "PNG", pnginfo=info)
    clean = strip_metadata("image", Upload("p.png", out.getvalue()))
    assert b"CanaryPngText" not in clean and Image.open(io.BytesIO(clean)).mode == "RGBA"


def test_too_many_files_in_one_request_are_refused(client, session):
    files = [(io.BytesIO(b"note %d" % i), f"{i}.txt") for i in range(4)]
    response = send_report(client, {}, files=files)
    assert response.status_code == 422 and session.exec(select(Report)).first() is None
