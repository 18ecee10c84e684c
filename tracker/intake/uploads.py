"""Evidence from an HTTP request: read the files within the configured limits, and say why
one was refused in the reporter's language."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from werkzeug.datastructures import FileStorage

from .confined import DecodeLimits
from .evidence import CheckedUpload, EvidenceRejected, Upload, check_uploads
from ..evidence_store import EvidenceStore, current_store


def evidence_store() -> EvidenceStore:
    """The current app's evidence store (EVIDENCE_STORE: folder or database) and intake policy."""
    return current_store()


def decode_limits() -> DecodeLimits:
    """What parsing one file may cost: INTAKE_DECODE_MEMORY_MB and INTAKE_DECODE_SECONDS, if set."""
    config, default = current_app.config, DecodeLimits()
    seconds = int(config.get("INTAKE_DECODE_SECONDS", default.cpu_seconds))
    return DecodeLimits(memory_mb=int(config.get("INTAKE_DECODE_MEMORY_MB", default.memory_mb)),
                        cpu_seconds=seconds, wall_seconds=seconds * 1.5)


def checked_uploads(files: list[FileStorage]) -> list[CheckedUpload]:
    """Read the request's files (a little past the per-file limit at most) and check them."""
    config = current_app.config
    max_file = int(config["INTAKE_MAX_FILE_BYTES"])
    uploads = []
    for storage in files:
        if not storage or not storage.filename and not storage.content_length:
            continue
        # Read one byte past the limit: enough to know a file is too big without holding it all.
        uploads.append(Upload(storage.filename or "", storage.stream.read(max_file + 1)))
    return check_uploads(uploads, max_file=max_file, max_total=int(config["INTAKE_MAX_REQUEST_BYTES"]),
                         max_count=int(config["INTAKE_MAX_FILES"]), limits=decode_limits())


def rejection_message(rejected: EvidenceRejected) -> str:
    """A translated explanation of why a file was refused."""
    config = current_app.config
    megabytes = {"file_mb": int(config["INTAKE_MAX_FILE_BYTES"]) // 2**20,
                 "total_mb": int(config["INTAKE_MAX_REQUEST_BYTES"]) // 2**20}
    messages = {
        "too_many": gettext("You can attach at most %(num)d files at a time.", num=int(config["INTAKE_MAX_FILES"])),
        "too_large_total": gettext("Together the files are too large: at most %(total_mb)d MB.", **megabytes),
        "too_large": gettext("“%(name)s” is too large: at most %(file_mb)d MB per file.",
                             name=rejected.filename, **megabytes),
        "type": gettext("“%(name)s” is not a type we accept. Send photos (JPEG, PNG, WebP, GIF), PDF, "
                        "audio (MP3, OGG, M4A, WAV) or plain text.", name=rejected.filename),
        "damaged": gettext("“%(name)s” could not be read. It may be damaged.", name=rejected.filename),
        "locked": gettext("“%(name)s” is protected by a password, so we could not open it. Send a copy "
                          "without the password.", name=rejected.filename),
        "empty": gettext("“%(name)s” is empty (0 bytes), so nothing would arrive. Choose the file again, "
                         "or another copy of it.", name=rejected.filename),
        "too_complex": gettext("“%(name)s” is too large or complex for us to process. Send a smaller copy "
                               "(for example a screenshot, or fewer pages).", name=rejected.filename),
    }
    return messages.get(rejected.reason, gettext("This file could not be accepted."))
