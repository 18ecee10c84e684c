"""Evidence uploads: checked by content, images stripped of metadata, sealed on disk.

Files are stored under server-made random names in EVIDENCE_FOLDER (outside any served folder),
sealed with the data key, so a copy of the disk alone reveals nothing. Images are re-encoded
from their pixels alone, which drops EXIF (with GPS), XMP, IPTC and comments: a photo's metadata
can say where and on which phone it was taken (DESIGN §2). The original is kept only when the
deployment opts in (INTAKE_KEEP_IMAGE_ORIGINALS), since it carries that metadata.
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from ..crypto import Sealer
from ..models import CustodyEvent, Evidence

SEAL_PURPOSE = "evidence.file"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
OTHER_TYPES = frozenset({
    "application/pdf", "audio/mpeg", "audio/ogg", "audio/mp4", "audio/x-m4a", "audio/m4a",
    "audio/x-wav", "audio/wav",
})
TEXT_TYPE = "text/plain"
# A file being written; never a stored name (those are hex), so maintenance can tell them apart.
PARTIAL_SUFFIX = ".partial"
MAX_IMAGE_PIXELS = 40_000_000


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
    clean: bytes | None  # the metadata-free copy of an image


def check_uploads(uploads: list[Upload], *, max_file: int, max_total: int, max_count: int) -> list[CheckedUpload]:
    """Check count and sizes, then each file's type by its content; raise EvidenceRejected."""
    uploads = [u for u in uploads if u.data]
    if len(uploads) > max_count:
        raise EvidenceRejected("too_many")
    if sum(len(u.data) for u in uploads) > max_total:
        raise EvidenceRejected("too_large_total")
    checked = []
    for upload in uploads:
        if len(upload.data) > max_file:
            raise EvidenceRejected("too_large", upload.filename)
        checked.append(check_upload(upload))
    return checked


def check_upload(upload: Upload) -> CheckedUpload:
    """Identify a file by its bytes (the name and the browser's claimed type are not trusted)."""
    kind = filetype.guess(upload.data)
    mime = kind.mime if kind else (TEXT_TYPE if _is_plain_text(upload.data) else None)
    if mime in IMAGE_TYPES:
        return CheckedUpload(upload.filename, upload.data, mime, strip_image(upload.data, upload.filename))
    if mime in OTHER_TYPES or mime == TEXT_TYPE:
        return CheckedUpload(upload.filename, upload.data, mime, None)
    raise EvidenceRejected("type", upload.filename)


def _is_plain_text(data: bytes) -> bool:
    """UTF-8 text without control bytes other than tab and line breaks."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text)


def strip_image(data: bytes, filename: str = "") -> bytes:
    """Re-encode an image from its pixels only: JPEG stays JPEG, others become PNG."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise EvidenceRejected("too_large", filename)
            is_jpeg = image.format == "JPEG"
            upright = ImageOps.exif_transpose(image)  # keep the orientation the EXIF tag gave
            mode = "RGB" if is_jpeg or "A" not in upright.getbands() else "RGBA"
            pixels = upright.convert(mode)
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())  # a new image: no info
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise EvidenceRejected("damaged", filename) from exc
    out = io.BytesIO()
    clean.save(out, format="JPEG" if is_jpeg else "PNG", quality=90)
    return out.getvalue()


def store_evidence(checked: CheckedUpload, *, folder: str, sealer: Sealer, keep_original: bool) -> Evidence:
    """Seal the file(s) into the evidence folder; return the (unsaved) Evidence row.

    If the second file cannot be written (a full disk), the first is removed before the error
    goes on: the caller only learns the names of complete sets of files.
    """
    clean_name = _write_sealed(checked.clean, folder, sealer) if checked.clean is not None else None
    try:
        if clean_name is None or keep_original:
            stored_name = _write_sealed(checked.original, folder, sealer)
        else:
            stored_name = clean_name  # the original image, with its metadata, is not kept
    except BaseException:
        remove_files({clean_name} if clean_name else set(), folder)
        raise
    return Evidence(
        sha256=hashlib.sha256(checked.original).hexdigest(),
        mime_type=checked.mime_type,
        size=len(checked.original),
        stored_name=stored_name,
        clean_stored_name=clean_name,
        original_filename=checked.filename[:200] or None,
        # The chain of custody starts at intake, in the same transaction as the row itself.
        custody=[CustodyEvent(action="received")],
    )


def _write_sealed(data: bytes, folder: str, sealer: Sealer) -> str:
    """Write sealed bytes under a new random name (never derived from the upload's name).

    The bytes go to a hidden temporary name, reach the disk (fsync) and are then renamed, so a
    file under a stored name is always whole and survives a power cut once its report is
    acknowledged. On any failure (ENOSPC...) the temporary file is removed; after a crash,
    ``flask retention run`` sweeps what is left (tracker.maintenance.evidence_files).
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = secrets.token_hex(16) + ".sealed"
    partial = target / f".{name}{PARTIAL_SUFFIX}"
    try:
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(sealer.seal_bytes(SEAL_PURPOSE, data))
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(partial, target / name)
    finally:
        partial.unlink(missing_ok=True)
    _sync_folder(target)
    return name


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX keeps names in the directory's own blocks)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_evidence(stored_name: str, *, folder: str, sealer: Sealer) -> bytes:
    """Open a sealed evidence file."""
    return sealer.open_bytes(SEAL_PURPOSE, (Path(folder) / stored_name).read_bytes())


def evidence_files(evidence: Evidence) -> set[str]:
    """The stored names on disk for one evidence row."""
    return {name for name in (evidence.stored_name, evidence.clean_stored_name) if name}


def remove_files(names: set[str], folder: str) -> None:
    """Delete evidence files; a missing file is already gone."""
    for name in names:
        (Path(folder) / name).unlink(missing_ok=True)
