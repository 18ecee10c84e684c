"""Evidence uploads: checked by content, stripped of hidden identity, sealed into the store.

Files are sealed with the data key and kept under server-made random names by the evidence
store (tracker.evidence_store: EVIDENCE_FOLDER, or the database), so a copy of either alone
reveals nothing. What a file says about its maker is removed before it is kept (DESIGN §2):
images are rebuilt from their pixels alone (no EXIF with GPS, XMP, IPTC or comments), PDFs lose
their document information, XMP, attached files, scripts and actions, recordings lose their
tags. That parsing happens in a confined child process (tracker.intake.confined). The original
is kept only when the deployment opts in (INTAKE_KEEP_IMAGE_ORIGINALS), since it carries that
metadata; its SHA-256 is recorded either way.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype

from ..crypto import Sealer
from ..evidence_store import SEAL_PURPOSE, EvidenceStore
from ..models import CustodyEvent, Evidence
from ..models.base import reporter_time
from .confined import ConfinedFailure, DecodeLimits, run_confined

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
AUDIO_TYPES = frozenset({
    "audio/mpeg", "audio/ogg", "audio/mp4", "audio/x-m4a", "audio/m4a", "audio/x-wav", "audio/wav",
})
PDF_TYPE = "application/pdf"
TEXT_TYPE = "text/plain"


class EvidenceRejected(ValueError):
    """An upload that is not accepted; ``reason`` is a stable code the views translate."""

    def __init__(self, reason: str, filename: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.filename = filename


@dataclass(frozen=True)
class Upload:
    """One received file, before checking."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the checks: its type by content and the copy to keep."""

    filename: str
    original: bytes
    mime_type: str
    clean: bytes | None  # the metadata-free copy of an image, a PDF or a recording


def check_uploads(uploads: list[Upload], *, max_file: int, max_total: int, max_count: int,
                  limits: DecodeLimits | None = None) -> list[CheckedUpload]:
    """Check count and sizes, then each file's type by its content; raise EvidenceRejected.

    An empty file is refused, never dropped: the reporter would be told "received" for a file
    that never arrived (issue 14).
    """
    if len(uploads) > max_count:
        raise EvidenceRejected("too_many")
    if sum(len(u.data) for u in uploads) > max_total:
        raise EvidenceRejected("too_large_total")
    checked = []
    for upload in uploads:
        if len(upload.data) > max_file:
            raise EvidenceRejected("too_large", upload.filename)
        if not upload.data:
            raise EvidenceRejected("empty", upload.filename)
        checked.append(check_upload(upload, limits or DecodeLimits()))
    return checked


def check_upload(upload: Upload, limits: DecodeLimits | None = None) -> CheckedUpload:
    """Identify a file by its bytes (the name and the browser's claimed type are not trusted).

    Text, HTML and SVG included, is kept as inert ``text/plain``: it is only ever sent back as a
    plain-text attachment or shown escaped, so markup in it never runs (issue 16).
    """
    kind = filetype.guess(upload.data)
    mime = kind.mime if kind else (TEXT_TYPE if _is_plain_text(upload.data) else None)
    task = "image" if mime in IMAGE_TYPES else "pdf" if mime == PDF_TYPE else "audio" if mime in AUDIO_TYPES else None
    if task is not None:
        return CheckedUpload(upload.filename, upload.data, mime, strip_metadata(task, upload, limits))
    if mime == TEXT_TYPE:
        return CheckedUpload(upload.filename, upload.data, mime, None)
    raise EvidenceRejected("type", upload.filename)


def strip_metadata(task: str, upload: Upload, limits: DecodeLimits | None = None) -> bytes:
    """The file without what identifies its maker, made in a confined child process."""
    try:
        (clean,) = run_confined(task, upload.data, limits or DecodeLimits())
    except ConfinedFailure as failure:
        raise EvidenceRejected(failure.reason, upload.filename) from failure
    return clean


def _is_plain_text(data: bytes) -> bool:
    """UTF-8 text without control bytes other than tab and line breaks."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text)


def store_evidence(checked: CheckedUpload, *, store: EvidenceStore, sealer: Sealer, keep_original: bool) -> Evidence:
    """Seal the file(s) into the evidence store; return the (unsaved) Evidence row.

    If the second file cannot be stored (a full disk), the first is discarded before the error
    goes on: the caller only learns the names of complete sets of files.
    """
    clean_name = store.put(sealer.seal_bytes(SEAL_PURPOSE, checked.clean)) if checked.clean is not None else None
    try:
        if clean_name is None or keep_original:
            stored_name = store.put(sealer.seal_bytes(SEAL_PURPOSE, checked.original))
        else:
            stored_name = clean_name  # the original image, with its metadata, is not kept
    except BaseException:
        store.discard({clean_name} if clean_name else set())
        raise
    return Evidence(
        sha256=hashlib.sha256(checked.original).hexdigest(),
        mime_type=checked.mime_type,
        size=len(checked.original),
        stored_name=stored_name,
        clean_stored_name=clean_name,
        original_filename=checked.filename[:200] or None,
        # The chain of custody starts at intake, in the same transaction as the row itself.
        custody=[CustodyEvent(action="received", at=reporter_time())],
    )


def read_evidence(stored_name: str, *, store: EvidenceStore, sealer: Sealer) -> bytes:
    """Open a sealed evidence file (MissingEvidence if the store has none by that name)."""
    return sealer.open_bytes(SEAL_PURPOSE, store.get(stored_name))


def evidence_files(evidence: Evidence) -> set[str]:
    """The stored names of one evidence row's files."""
    return {name for name in (evidence.stored_name, evidence.clean_stored_name) if name}
