"""Staff API for evidence: a file's facts and chain of custody, its download, custody events.

Same rules as the pages (tracker.casework.custody): a download is decrypted on the fly, sent as
an attachment, and recorded both in the audit log (a view of personal data) and in the file's
chain of custody.
"""
from __future__ import annotations

from typing import Annotated, Any

from flask import g, jsonify, request
from pydantic import StringConstraints
from sqlmodel import SQLModel

from ..casework.custody import (
    check_integrity, custody_history, download_name, get_evidence, open_for_download, record_custody,
)
from ..casework.views.evidence import attachment
from ..crypto import get_sealer
from ..db import get_session
from ..evidence_store import current_store
from ..models import Evidence
from . import bp
from .casework import body_of, built_on_first_use, caseworker_token, operation, path_id, schemas_of, viewed


class CustodyInput(SQLModel):
    """Something done with the file outside the tracker (see tracker.casework.custody)."""

    action: Annotated[str, StringConstraints(max_length=40)]


EVIDENCE = path_id("evidence_id")
ORIGINAL = {"name": "copy", "in": "query", "required": False,
            "schema": {"type": "string", "enum": ["clean", "original"]},
            "description": "original: the file as sent, where the deployment keeps it (may hold GPS data)"}
# OPENAPI_SCHEMAS is built on first use (see built_on_first_use).
__getattr__ = built_on_first_use(globals(), OPENAPI_SCHEMAS=lambda: schemas_of(CustodyInput=CustodyInput))
_download = operation("Download the file (decrypted, as an attachment; recorded in its custody chain)",
                      "downloadEvidence", parameters=(EVIDENCE, ORIGINAL))
_download["responses"]["200"] = {"description": "The file", "content": {"application/octet-stream": {}}}
OPENAPI_PATHS: dict[str, Any] = {
    "/evidence/{evidence_id}": {"get": operation("Read a file's facts and chain of custody", "getEvidence",
                                                 parameters=(EVIDENCE,))},
    "/evidence/{evidence_id}/file": {"get": _download},
    "/evidence/{evidence_id}/custody": {"post": operation("Record what was done with the file", "recordCustody",
                                                          body="CustodyInput", created=True,
                                                          parameters=(EVIDENCE,))},
    "/evidence/{evidence_id}/integrity": {"post": operation(
        "Check the kept file against its intake SHA-256 (the result joins the custody chain)", "checkEvidence",
        parameters=(EVIDENCE,))},
}


def evidence_json(evidence: Evidence) -> dict[str, Any]:
    """A file's facts and chain of custody; the reporter's file name stays out (it is sealed)."""
    return {"id": evidence.id, "report_id": evidence.report_id, "sha256": evidence.sha256,
            "mime_type": evidence.mime_type, "size": evidence.size, "uploaded_at": evidence.uploaded_at.isoformat(),
            "custody": [{"id": e.id, "action": e.action, "user_id": e.user_id, "at": e.at.isoformat()}
                        for e in custody_history(get_session(), evidence.id)]}


@bp.get("/evidence/<int:evidence_id>")
@caseworker_token
def api_get_evidence(evidence_id: int):
    """A file's facts and chain of custody."""
    evidence = get_evidence(get_session(), evidence_id)
    viewed("evidence", evidence.id)
    return jsonify(evidence_json(evidence))


@bp.get("/evidence/<int:evidence_id>/file")
@caseworker_token
def api_download_evidence(evidence_id: int):
    """The decrypted file as an attachment; ``?copy=original`` for the original as sent."""
    session = get_session()
    original = request.args.get("copy") == "original"
    evidence = get_evidence(session, evidence_id)
    data = open_for_download(session, evidence, original=original, store=current_store(),
                             sealer=get_sealer(), user_id=g.api_user.id, actor="api")
    session.commit()
    return attachment(data, evidence.mime_type, download_name(evidence, original))


@bp.post("/evidence/<int:evidence_id>/custody")
@caseworker_token
def api_record_custody(evidence_id: int):
    """Record what was done with the file outside the tracker."""
    session = get_session()
    event = record_custody(session, get_evidence(session, evidence_id), body_of(CustodyInput).action,
                           user_id=g.api_user.id, actor="api")
    session.commit()
    return jsonify({"id": event.id, "evidence_id": evidence_id, "action": event.action,
                    "at": event.at.isoformat()}), 201


@bp.post("/evidence/<int:evidence_id>/integrity")
@caseworker_token
def api_check_evidence(evidence_id: int):
    """Compare the kept file with its intake fingerprint."""
    session = get_session()
    intact = check_integrity(session, get_evidence(session, evidence_id),
                             store=current_store(), sealer=get_sealer(),
                             user_id=g.api_user.id, actor="api")
    session.commit()
    return jsonify({"evidence_id": evidence_id, "intact": intact})
