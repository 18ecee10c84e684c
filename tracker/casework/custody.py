"""Evidence in casework: opening a sealed file for a caseworker, and its chain of custody.

Every time a file leaves the sealed store it is written twice: to the audit log as a view of
personal data (DESIGN §2) and to the file's own custody history, which is what a court or a UN
mechanism asks for: who had the file, when, and what they did with it. Caseworkers also record
what happens outside the system (a copy to offline storage, a hand-over to a partner).
"""
from __future__ import annotations

import hashlib

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..audit import record
from ..crypto import Sealer
from ..evidence_store import EvidenceStore, MissingEvidence
from ..intake.evidence import read_evidence
from ..models import CustodyEvent, Evidence, utcnow
from .errors import Conflict, NotFound, get_or_not_found

# What a caseworker records by hand; the system records the downloads and hash checks itself.
RECORDED_ACTIONS = {
    "copied_offline": _l("Copied to offline storage"),
    "shared_with_partner": _l("Shared with a partner organisation"),
    "shared_with_authority": _l("Given to an authority or a UN mechanism"),
    "shown_to_expert": _l("Shown to an expert for analysis"),
    "deletion_requested": _l("Reporter asked for it to be deleted"),
}
SYSTEM_ACTIONS = {
    "received": _l("Received from the reporter"),
    "downloaded": _l("Downloaded (copy without metadata)"),
    "downloaded_original": _l("Downloaded (original as sent)"),
    "viewed": _l("Viewed in the browser (safe view, copy without metadata)"),
    "integrity_confirmed": _l("Checked: matches the fingerprint taken at intake"),
    "integrity_failed": _l("Checked: does NOT match the fingerprint taken at intake"),
}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif",
              "application/pdf": "pdf", "audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/mp4": "m4a",
              "audio/x-m4a": "m4a", "audio/m4a": "m4a", "audio/x-wav": "wav", "audio/wav": "wav",
              "text/plain": "txt"}


def action_label(code: str) -> str:
    """A custody action's label, translated now."""
    return str(RECORDED_ACTIONS.get(code) or SYSTEM_ACTIONS.get(code) or code)


def get_evidence(session: Session, evidence_id: int) -> Evidence:
    """The evidence item with this id; NotFound if there is none."""
    return get_or_not_found(session, Evidence, evidence_id, "evidence")


def has_separate_original(evidence: Evidence) -> bool:
    """Whether the original as sent is kept besides the metadata-free copy (images, by opt-in)."""
    return evidence.clean_stored_name is not None and evidence.stored_name != evidence.clean_stored_name


def download_name(evidence: Evidence, original: bool = False) -> str:
    """A neutral file name: the reporter's own file name is sealed and stays out of headers."""
    suffix = "-original" if original else ""
    return f"evidence-{evidence.id}{suffix}.{EXTENSIONS.get(evidence.mime_type, 'bin')}"


def open_for_download(session: Session, evidence: Evidence, *, original: bool, store: EvidenceStore, sealer: Sealer,
                      user_id: int | None, actor: str = "staff", viewed: bool = False) -> bytes:
    """The decrypted bytes of the file, logged as a view and as a custody event.

    The metadata-free copy is the default; the original (which may hold GPS and device data) is
    opened only when asked for and only where the deployment kept it. ``viewed``: opened for the
    in-browser safe view rather than downloaded.
    """
    if original and not has_separate_original(evidence):
        raise NotFound("no separate original is kept for this file")
    stored = evidence.stored_name if original or evidence.clean_stored_name is None else evidence.clean_stored_name
    try:
        data = read_evidence(stored, store=store, sealer=sealer)
    except MissingEvidence as error:
        raise NotFound("the file is missing from the evidence store") from error
    action = "downloaded_original" if original else "viewed" if viewed else "downloaded"
    _custody(session, evidence, action, user_id)
    copy = "original" if original else "view" if viewed else "clean"
    record(session, "evidence.view", user_id=user_id, actor=actor, object_type="evidence", object_id=evidence.id,
           detail={"report_id": evidence.report_id, "copy": copy})
    return data


def check_integrity(session: Session, evidence: Evidence, *, store: EvidenceStore, sealer: Sealer,
                    user_id: int | None, actor: str = "staff") -> bool:
    """Compare the kept original with the SHA-256 taken at intake; the result joins the custody chain."""
    if evidence.clean_stored_name is not None and not has_separate_original(evidence):
        raise Conflict("only the copy without metadata is kept, so the intake fingerprint cannot be checked")
    try:
        data = read_evidence(evidence.stored_name, store=store, sealer=sealer)
    except MissingEvidence:
        data = b""
    intact = hashlib.sha256(data).hexdigest() == evidence.sha256
    action = "integrity_confirmed" if intact else "integrity_failed"
    _custody(session, evidence, action, user_id)
    record(session, "evidence.check", user_id=user_id, actor=actor, object_type="evidence", object_id=evidence.id,
           detail={"intact": intact})
    return intact


def record_custody(session: Session, evidence: Evidence, action: str, *, user_id: int | None,
                   actor: str = "staff") -> CustodyEvent:
    """Record something done with the file outside the system (copied, handed over...)."""
    if action not in RECORDED_ACTIONS:
        raise Conflict("not a custody action a caseworker records")
    event = _custody(session, evidence, action, user_id)
    record(session, "evidence.custody", user_id=user_id, actor=actor, object_type="evidence",
           object_id=evidence.id, detail={"action": action, "custody_event_id": event.id})
    return event


def _custody(session: Session, evidence: Evidence, action: str, user_id: int | None) -> CustodyEvent:
    """Append one event to the file's chain of custody."""
    event = CustodyEvent(evidence_id=evidence.id, user_id=user_id, action=action, at=utcnow())
    session.add(event)
    session.flush()
    return event


def custody_history(session: Session, evidence_id: int) -> list[CustodyEvent]:
    """The file's chain of custody, oldest first."""
    return list(session.exec(select(CustodyEvent).where(CustodyEvent.evidence_id == evidence_id)
                             .order_by(CustodyEvent.at, CustodyEvent.id)).all())
