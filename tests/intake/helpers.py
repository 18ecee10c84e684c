"""Helpers for intake tests: send a report through the real form, open it with its receipt."""
from __future__ import annotations

import io
import re

from PIL import Image

from tests.conftest import csrf_token

RECEIPT = re.compile(r'id="receipt-code">([0-9A-Z-]+)<')


def form_fields(client, url: str = "/report") -> dict:
    """The hidden fields a browser would send back: the CSRF token and the retry token."""
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    match = re.search(r'id="idempotency_key" name="idempotency_key" type="hidden" value="([^"]+)"', page)
    return {"csrf_token": token, "idempotency_key": match.group(1)}


def send_report(client, data: dict | None = None, files: list | None = None, **kwargs):
    """POST the report form like a browser (CSRF and retry token from the loaded form)."""
    payload = {**form_fields(client), **(data or {})}
    if files:
        payload["evidence"] = files
    return client.post("/report", data=payload, content_type="multipart/form-data", **kwargs)


def receipt_of(response) -> str:
    """The receipt code shown on the thank-you page."""
    match = RECEIPT.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:2000]
    return match.group(1)


def open_report(client, receipt: str):
    """Enter the receipt on the receipt page."""
    return client.post("/receipt", data={"csrf_token": csrf_token(client, "/receipt"), "receipt": receipt})


def jpeg_with_gps() -> bytes:
    """A small JPEG whose EXIF names a camera and a GPS position, with an XMP packet too."""
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "CanaryPhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (31.0, 12.0, 0.0), 3: "E", 4: (87.0, 30.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">CanaryXMP</x:xmpmeta>')
    return out.getvalue()


def png_bytes() -> bytes:
    """A tiny PNG."""
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()
