"""Staff API for verification: a report's or incident's level and the source of each claim.

The same domain functions, validation and audit as the pages (tracker.casework.verification);
reading the sources is a view of personal data (their notes can name people), so it is audited.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, jsonify

from ..casework.incidents import get_incident
from ..casework.triage import get_report
from ..casework.verification import (
    ClaimSourceCreate, VerificationUpdate, add_claim_source, claim_sources, get_claim_source, remove_claim_source,
    set_verification,
)
from ..db import get_session
from ..models import ClaimSource, Incident, Report
from . import bp
from .casework import body_of, built_on_first_use, caseworker_token, operation, path_id, schemas_of, viewed

# OPENAPI_SCHEMAS is built on first use (see built_on_first_use).
__getattr__ = built_on_first_use(globals(), OPENAPI_SCHEMAS=lambda: schemas_of(
    ClaimSourceInput=ClaimSourceCreate, VerificationInput=VerificationUpdate))


def _paths(kind: str, noun: str) -> dict[str, Any]:
    """The verification operations of reports or incidents."""
    subject = path_id(f"{kind}_id")
    title = kind.capitalize()
    return {
        f"/{noun}/{{{kind}_id}}/verification": {
            "get": operation(f"Read the {kind}'s verification level and claim sources",
                             f"get{title}Verification", parameters=(subject,)),
            "put": operation(f"Set the {kind}'s verification level", f"set{title}Verification",
                             body="VerificationInput", parameters=(subject,))},
        f"/{noun}/{{{kind}_id}}/claim-sources": {
            "post": operation(f"Record the source of one of the {kind}'s claims", f"add{title}ClaimSource",
                              body="ClaimSourceInput", created=True, parameters=(subject,))},
    }


OPENAPI_PATHS: dict[str, Any] = {
    **_paths("report", "reports"), **_paths("incident", "incidents"),
    "/claim-sources/{claim_source_id}": {
        "delete": operation("Withdraw a claim source recorded in error", "removeClaimSource",
                            parameters=(path_id("claim_source_id"),))},
}


def claim_source_json(source: ClaimSource) -> dict[str, Any]:
    """One claim and its source."""
    return {"id": source.id, "report_id": source.report_id, "incident_id": source.incident_id,
            "claim": source.claim, "source_type": source.source_type, "evidence_id": source.evidence_id,
            "note": source.note, "recorded_by_id": source.recorded_by_id,
            "recorded_at": source.recorded_at.isoformat()}


def verification_json(subject: Report | Incident) -> dict[str, Any]:
    """The level and every claim source of a report or an incident."""
    return {"verification": subject.verification,
            "claim_sources": [claim_source_json(s) for s in claim_sources(get_session(), subject)]}


def _read(load: Callable[[Any, int], Report | Incident], kind: str, subject_id: int):
    """The verification of one subject, audited as a view of it."""
    subject = load(get_session(), subject_id)
    viewed(kind, subject.id)
    return jsonify(verification_json(subject))


def _set_level(load: Callable[[Any, int], Report | Incident], subject_id: int):
    """Set the level of one subject."""
    session = get_session()
    subject = load(session, subject_id)
    set_verification(session, subject, body_of(VerificationUpdate).verification, user_id=g.api_user.id)
    session.commit()
    return jsonify(verification_json(subject))


def _add(load: Callable[[Any, int], Report | Incident], subject_id: int):
    """Record a claim source on one subject."""
    session = get_session()
    source = add_claim_source(session, load(session, subject_id), body_of(ClaimSourceCreate),
                              user_id=g.api_user.id)
    session.commit()
    return jsonify(claim_source_json(source)), 201


@bp.get("/reports/<int:report_id>/verification")
@caseworker_token
def api_report_verification(report_id: int):
    """A report's verification level and claim sources."""
    return _read(get_report, "report", report_id)


@bp.put("/reports/<int:report_id>/verification")
@caseworker_token
def api_set_report_verification(report_id: int):
    """Set a report's verification level."""
    return _set_level(get_report, report_id)


@bp.post("/reports/<int:report_id>/claim-sources")
@caseworker_token
def api_add_report_claim_source(report_id: int):
    """Record the source of one of a report's claims."""
    return _add(get_report, report_id)


@bp.get("/incidents/<int:incident_id>/verification")
@caseworker_token
def api_incident_verification(incident_id: int):
    """An incident's verification level and claim sources."""
    return _read(get_incident, "incident", incident_id)


@bp.put("/incidents/<int:incident_id>/verification")
@caseworker_token
def api_set_incident_verification(incident_id: int):
    """Set an incident's verification level."""
    return _set_level(get_incident, incident_id)


@bp.post("/incidents/<int:incident_id>/claim-sources")
@caseworker_token
def api_add_incident_claim_source(incident_id: int):
    """Record the source of one of an incident's claims."""
    return _add(get_incident, incident_id)


@bp.delete("/claim-sources/<int:claim_source_id>")
@caseworker_token
def api_remove_claim_source(claim_source_id: int):
    """Withdraw a claim source recorded in error."""
    session = get_session()
    remove_claim_source(session, get_claim_source(session, claim_source_id), user_id=g.api_user.id)
    session.commit()
    return jsonify({"id": claim_source_id, "removed": True})
