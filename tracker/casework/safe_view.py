"""A caseworker's look at an evidence file in the browser, with nothing of the file able to run.

The browser never parses the PDF itself: the server draws its pages as PNG pictures in a confined
child process (PDFium via pypdfium2, built without JavaScript; tracker.intake.confined), and the
page embeds only those pictures, the metadata-free image, escaped text or the stripped recording,
all as ``data:`` URLs. The page is served under a sandbox CSP that allows nothing else (issue 16).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field

from ..intake.confined import ConfinedFailure, DecodeLimits, run_confined
from ..intake.evidence import AUDIO_TYPES, IMAGE_TYPES, PDF_TYPE, TEXT_TYPE

# Only embedded pictures and sound; no script, style, frame, form, font or request of any kind.
VIEW_POLICY = "; ".join([
    "sandbox", "default-src 'none'", "img-src data:", "media-src data:", "form-action 'none'",
    "frame-ancestors 'none'", "base-uri 'none'",
])
# A recording is embedded whole in the page; past this size it is only offered as a download.
MAX_EMBEDDED_AUDIO = 8 * 2**20


@dataclass
class SafeView:
    """What the view page shows: one of pictures, text or a recording, or why not."""

    pictures: list[str] = field(default_factory=list)  # data: URLs of PNG or JPEG pictures
    text: str | None = None
    audio: str | None = None  # a data: URL
    unavailable: bool = False  # the file could not be drawn within the limits
    truncated: bool = False  # only the first pages are drawn


def data_url(mime_type: str, data: bytes) -> str:
    """The bytes as a data: URL."""
    return f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}"


def safe_view(data: bytes, mime_type: str, limits: DecodeLimits | None = None) -> SafeView:
    """The inert form of a file the tracker stored (its metadata-free copy where one exists)."""
    if mime_type in IMAGE_TYPES:
        # Stored images were rebuilt at intake as JPEG or PNG; the picture type says which.
        return SafeView(pictures=[data_url("image/jpeg" if data[:2] == b"\xff\xd8" else "image/png", data)])
    if mime_type == PDF_TYPE:
        return _pdf_view(data, limits or DecodeLimits())
    if mime_type == TEXT_TYPE:
        return SafeView(text=data.decode("utf-8", errors="replace"))
    if mime_type in AUDIO_TYPES and len(data) <= MAX_EMBEDDED_AUDIO:
        return SafeView(audio=data_url(mime_type, data))
    return SafeView(unavailable=True)


def _pdf_view(data: bytes, limits: DecodeLimits) -> SafeView:
    """The PDF's first pages drawn as pictures by the confined child (its first result: the page count)."""
    try:
        count, *pages = run_confined("pdf-pages", data, limits)
    except (ConfinedFailure, ValueError):
        return SafeView(unavailable=True)
    return SafeView(pictures=[data_url("image/png", page) for page in pages], truncated=int(count) > len(pages))
