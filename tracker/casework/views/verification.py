"""The verification section of a report's and an incident's page: claim sources, added and withdrawn.

The level itself is set with the report's triage form and the incident's editor; this section
records what each claim rests on, so the level can be checked by someone else.
"""
from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from pydantic import ValidationError

from ...db import get_session
from ...models import Incident, Report
from ..errors import CaseworkError
from ..incidents import get_incident
from ..triage import get_report
from ..verification import (
    CLAIMS, SOURCES, ClaimSourceCreate, add_claim_source, claim_label, claim_sources, evidence_of, get_claim_source,
    lacks_independent_source, remove_claim_source, source_label,
)
from . import bp, caseworker_only, done, refused, user_id
from .forms import read_form


def _page_of(subject: Report | Incident) -> tuple[str, dict[str, int]]:
    """The endpoint and values of the subject's page, where the section lives."""
    if isinstance(subject, Report):
        return "casework.report", {"report_id": subject.id, "_anchor": "verification"}
    return "casework.incident", {"incident_id": subject.id, "_anchor": "verification"}


def verification_section(subject: Report | Incident) -> dict[str, Any]:
    """What the page's verification section shows: the level, the sources, the form's choices."""
    session = get_session()
    sources = claim_sources(session, subject)
    kind = "report" if isinstance(subject, Report) else "incident"
    return {"level": subject.verification, "sources": sources, "evidence": evidence_of(session, subject),
            "needs_independent": lacks_independent_source(subject.verification, sources),
            "claims": [(code, str(text)) for code, text in CLAIMS.items()],
            "source_types": [(code, str(text)) for code, text in SOURCES.items()],
            "claim_label": claim_label, "source_label": source_label,
            "action": url_for(f"casework.add_{kind}_claim_source", **{f"{kind}_id": subject.id})}


def _add(subject: Report | Incident):
    """Validate the posted claim and source and record it on the subject."""
    endpoint, values = _page_of(subject)
    try:
        add_claim_source(get_session(), subject, read_form(ClaimSourceCreate, request.form), user_id=user_id())
    except (ValidationError, CaseworkError) as error:
        return refused(error, endpoint, **values)
    return done(_("Source recorded."), endpoint, **values)


@bp.post("/reports/<int:report_id>/claim-sources")
@caseworker_only
def add_report_claim_source(report_id: int):
    """Record the source of one of the report's claims."""
    return _add(get_report(get_session(), report_id))


@bp.post("/incidents/<int:incident_id>/claim-sources")
@caseworker_only
def add_incident_claim_source(incident_id: int):
    """Record the source of one of the incident's claims."""
    return _add(get_incident(get_session(), incident_id))


@bp.post("/claim-sources/<int:claim_source_id>/remove")
@caseworker_only
def withdraw_claim_source(claim_source_id: int):
    """Withdraw a claim source recorded in error, and go back to its report or incident."""
    session = get_session()
    source = get_claim_source(session, claim_source_id)
    subject = (get_report(session, source.report_id) if source.report_id is not None
               else get_incident(session, source.incident_id))
    remove_claim_source(session, source, user_id=user_id())
    endpoint, values = _page_of(subject)
    return done(_("Source withdrawn."), endpoint, **values)
