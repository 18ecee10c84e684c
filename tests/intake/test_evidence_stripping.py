"""Files reporters send keep no hidden identity (issue 14), and parsing them is confined (issue 16)."""
from __future__ import annotations

import hashlib
import io
import json
import resource

import filetype
import mutagen
import pytest
from PIL import Image
from sqlmodel import select

from tracker.crypto import get_sealer
from tracker.intake.confined import ConfinedFailure, DecodeLimits, run_confined
from tracker.evidence_store import current_store
from tracker.intake.evidence import EvidenceRejected, Upload, check_uploads, read_evidence
from tracker.models import Evidence, Report

from .files import (
    CANARY, m4a_with_tags, mp3_with_tags, ogg_vorbis_with_tags, pdf_texts, pdf_with_a_gps_photo,
    pdf_with_hidden_identity, png_of_one_colour, wav_with_tags,
)
from .helpers import jpeg_with_gps, receipt_of, send_report

LIMITS = {"max_file": 1_000_000, "max_total": 2_000_000, "max_count": 3}


def stored_copy(app, row: Evidence) -> bytes:
    with app.app_context():
        return read_evidence(row.stored_name, store=current_store(), sealer=get_sealer())


def test_a_pdf_is_kept_without_info_xmp_attachments_scripts_or_actions(app, client, session):
    original = pdf_with_hidden_identity()
    assert original.count(CANARY.encode()) >= 4  # the canary really is in the file sent
    receipt_of(send_report(client, {"narrative": "a letter"}, files=[(io.BytesIO(original), "letter.pdf")]))
    row = session.exec(select(Evidence)).one()
    assert row.mime_type == "application/pdf" and row.sha256 == hashlib.sha256(original).hexdigest()
    assert row.stored_name == row.clean_stored_name  # the original, with its metadata, is not kept
    clean = stored_copy(app, row)
    everything = pdf_texts(clean)
    assert CANARY.encode() not in clean and CANARY.encode() not in everything
    for key in (b"/JavaScript", b"/OpenAction", b"/EmbeddedFile", b"/Metadata", b"/URI", b"/AA"):
        assert key not in everything
    assert b"Visible words 1" in everything  # the page itself is still there


def test_a_photo_inside_a_pdf_loses_its_exif_and_keeps_its_pixels():
    photo = jpeg_with_gps()
    original = pdf_with_a_gps_photo(photo)
    assert b"CanaryPhoneMaker" in original
    (checked,) = check_uploads([Upload("scan.pdf", original)], **LIMITS)
    assert b"CanaryPhoneMaker" not in checked.clean and b"Exif" not in checked.clean
    assert b"CanaryXMP" not in pdf_texts(checked.clean)
    import pikepdf

    with pikepdf.open(io.BytesIO(checked.clean)) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        kept = Image.open(io.BytesIO(image.read_raw_bytes()))
        assert kept.size == (40, 30) and kept.tobytes() == Image.open(io.BytesIO(photo)).tobytes()


@pytest.mark.parametrize("make", [mp3_with_tags, wav_with_tags, ogg_vorbis_with_tags, m4a_with_tags])
def test_recordings_lose_their_tags_and_stay_playable(make):
    original = make()
    assert CANARY.encode() in original
    (checked,) = check_uploads([Upload("memo", original)], **LIMITS)
    assert checked.original == original and CANARY.encode() not in checked.clean
    assert filetype.guess_mime(checked.clean) == checked.mime_type
    audio = mutagen.File(io.BytesIO(checked.clean))
    assert audio is not None and not audio.tags


def test_an_empty_file_is_refused_with_a_message_and_nothing_typed_is_lost(client, session):
    response = send_report(client, {"narrative": "kept words"}, files=[(io.BytesIO(b""), "photo.jpg")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "is empty (0 bytes)" in html and "photo.jpg" in html
    assert "kept words" in html and session.exec(select(Report)).first() is None


def test_the_api_refuses_an_empty_file_too(client, session):
    report = {"narrative": "sent by the API", "language": "en"}
    response = client.post("/api/v1/reports", content_type="multipart/form-data",
                           data={"report": json.dumps(report), "evidence": [(io.BytesIO(b""), "scan.pdf")]})
    assert response.status_code == 422 and response.json["error"] == "evidence_rejected"
    assert "is empty" in response.json["message"] and session.exec(select(Report)).first() is None


@pytest.mark.parametrize("name, data", [
    ("scan.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 40),
    ("memo.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x10" + b"\x00" * 60),
])
def test_an_unreadable_pdf_or_recording_is_refused_not_kept(client, session, name, data):
    response = send_report(client, {"narrative": "kept"}, files=[(io.BytesIO(data), name)])
    assert response.status_code == 422 and "could not be read" in response.get_data(as_text=True)
    assert session.exec(select(Evidence)).first() is None


def test_a_huge_png_is_decoded_outside_the_web_process_within_its_limits(app, client, session):
    """The finding: a ~150 KB PNG of 6300×6300 pixels took 770 MB inside the web worker."""
    bomb = png_of_one_colour(6300, 6300)
    assert len(bomb) < 200_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    receipt_of(send_report(client, {}, files=[(io.BytesIO(bomb), "wall.png")]))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 60_000  # the 119 MB of pixels never lived in this process
    clean = stored_copy(app, session.exec(select(Evidence)).one())
    assert Image.open(io.BytesIO(clean)).size == (6300, 6300)


def test_a_file_that_needs_more_than_the_limit_is_refused_clearly(app, client, session):
    app.config["INTAKE_DECODE_MEMORY_MB"] = 150
    response = send_report(client, {"narrative": "kept"}, files=[(io.BytesIO(png_of_one_colour(6300, 6300)), "w.png")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "too large or complex for us to process" in html and "kept" in html
    assert session.exec(select(Report)).first() is None


def test_pixel_count_is_checked_from_the_header_before_decoding():
    header_only = png_of_one_colour(20_000, 20_000, rows=1)  # promises 400 megapixels
    with pytest.raises(EvidenceRejected) as caught:
        check_uploads([Upload("big.png", header_only)], **LIMITS)
    assert caught.value.reason == "too_large"


def test_the_child_is_stopped_at_its_time_limit():
    with pytest.raises(ConfinedFailure) as caught:
        run_confined("image", png_of_one_colour(6300, 6300), DecodeLimits(wall_seconds=0.01))
    assert caught.value.reason == "too_complex"


def test_the_child_can_open_no_file_or_socket_once_confined(tmp_path):
    """Defence in depth: a parser exploited by a crafted file can read no key and reach no network."""
    import subprocess
    import sys

    from tracker.intake import sanitise

    secret = tmp_path / "keys.json"
    secret.write_text("CanaryKey")
    probe = "\n".join([
        "import runpy, socket",
        f"confinement = runpy.run_path({sanitise.__file__!r})",
        "confinement['preload']('image'); confinement['close_files']()",
        f"for attempt in (lambda: open({str(secret)!r}).read(), lambda: socket.socket()):",
        "    try:",
        "        print(attempt())",
        "    except OSError as error:",
        "        print('refused', error.errno)",
    ])
    shown = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "CanaryKey" not in shown and shown.split("\n")[:2] == ["refused 24", "refused 24"]  # EMFILE


@pytest.mark.parametrize("image_format, mime", [("WEBP", "image/webp"), ("GIF", "image/gif")])
def test_webp_and_gif_are_rebuilt_as_png_without_their_metadata(image_format, mime):
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 10, 10)).save(out, image_format, comment=CANARY.encode(),
                                                    xmp=f"<x>{CANARY}</x>".encode(), exif=Image.Exif())
    (checked,) = check_uploads([Upload("picture", out.getvalue())], **LIMITS)
    assert checked.mime_type == mime and CANARY.encode() not in checked.clean
    assert Image.open(io.BytesIO(checked.clean)).format == "PNG"


def test_a_pdf_locked_by_a_password_is_refused_saying_so(client, session):
    import pikepdf

    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    response = send_report(client, {"narrative": "kept"}, files=[(io.BytesIO(out.getvalue()), "locked.pdf")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "protected by a password" in html and "locked.pdf" in html
    assert session.exec(select(Evidence)).first() is None
