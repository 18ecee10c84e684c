"""Verification: a report's or incident's level, and the source of each claim behind it.

The level (unverified, credible, corroborated, verified) is a judgment; the claim sources are
what a reviewer, a partner or a court will ask for: *which* claim (the tactic, the date, the
place, a relative's status, the perpetrator...) rests on *what* (the reporter's word, a file they
sent, a media report, an official statement, a second witness, a partner organisation). The
vocabularies are for staff only, so they live here rather than in the reporter-facing taxonomy.
"""
from __future__ import annotations

from typing import Annotated

from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, StringConstraints
from sqlmodel import Session, SQLModel, select

from ..audit import record
from ..models import ClaimSource, Evidence, Incident, IncidentReport, Report, utcnow
from ..models.base import Code
from .errors import Conflict, get_or_not_found

CLAIMS = {
    "event": _l("That it happened at all"),
    "tactic": _l("The tactic"),
    "date": _l("The date"),
    "place": _l("The place"),
    "perpetrator": _l("The perpetrator"),
    "channel": _l("How it was done (channel)"),
    "demand": _l("What was demanded"),
    "target_identity": _l("Who was targeted"),
    "relative_status": _l("A relative's status"),
    "retaliation": _l("That it was in retaliation"),
    "other": _l("Another claim"),
}
SOURCES = {
    "reporter_testimony": _l("The reporter's testimony"),
    "evidence_item": _l("A file the reporter sent"),
    "media_report": _l("A media report"),
    "official_statement": _l("An official statement or document"),
    "second_witness": _l("A second witness"),
    "partner_organisation": _l("A partner organisation"),
    "open_source": _l("Other open sources (social media, archives)"),
}
# What the reporter says cannot corroborate what the reporter says.
NOT_INDEPENDENT = frozenset({"reporter_testimony"})
NEEDS_INDEPENDENT = frozenset({"corroborated", "verified"})


def _one_of(choices: dict) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError("not a known code")
        return value
    return AfterValidator(check)


class ClaimSourceCreate(SQLModel):
    """A claim and the source that supports it; an evidence item names the file."""

    claim: Annotated[str, _one_of(CLAIMS)]
    source_type: Annotated[str, _one_of(SOURCES)]
    evidence_id: int | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class VerificationUpdate(SQLModel):
    """A new verification level for a report or an incident."""

    verification: Code("verification")


def claim_label(code: str) -> str:
    """A claim code's label, translated now."""
    return str(CLAIMS.get(code, code))


def source_label(code: str) -> str:
    """A source type's label, translated now."""
    return str(SOURCES.get(code, code))


def _subject(subject: Report | Incident) -> tuple[str, str]:
    """The subject's object type and the claim_source column that points at it."""
    return ("report", "report_id") if isinstance(subject, Report) else ("incident", "incident_id")


def claim_sources(session: Session, subject: Report | Incident) -> list[ClaimSource]:
    """The subject's claim sources, grouped by claim, oldest first within a claim."""
    _kind, column = _subject(subject)
    return list(session.exec(select(ClaimSource).where(getattr(ClaimSource, column) == subject.id)
                             .order_by(ClaimSource.claim, ClaimSource.id)).all())


def evidence_of(session: Session, subject: Report | Incident) -> list[Evidence]:
    """Files that can back a claim: the report's own, or those of an incident's source reports."""
    if isinstance(subject, Report):
        reports = select(Report.id).where(Report.id == subject.id)
    else:
        reports = select(IncidentReport.report_id).where(IncidentReport.incident_id == subject.id)
    return list(session.exec(select(Evidence).where(Evidence.report_id.in_(reports)).order_by(Evidence.id)).all())


def add_claim_source(session: Session, subject: Report | Incident, data: ClaimSourceCreate, *,
                     user_id: int | None) -> ClaimSource:
    """Record that one claim of the subject rests on this source; audited with codes only."""
    if (data.source_type == "evidence_item") != (data.evidence_id is not None):
        raise Conflict("choose the file when, and only when, the source is a file the reporter sent")
    if data.evidence_id is not None and data.evidence_id not in {e.id for e in evidence_of(session, subject)}:
        raise Conflict("that file was not sent with this report or the incident's reports")
    kind, column = _subject(subject)
    source = ClaimSource(**{column: subject.id}, claim=data.claim, source_type=data.source_type,
                         evidence_id=data.evidence_id, note=data.note or None, recorded_by_id=user_id,
                         recorded_at=utcnow())
    session.add(source)
    session.flush()
    record(session, "claim_source.add", user_id=user_id, object_type=kind, object_id=subject.id,
           detail={"claim_source_id": source.id, "claim": data.claim, "source_type": data.source_type,
                   "evidence_id": data.evidence_id})
    return source


def get_claim_source(session: Session, source_id: int) -> ClaimSource:
    """The claim source with this id; NotFound if there is none."""
    return get_or_not_found(session, ClaimSource, source_id, "claim source")


def remove_claim_source(session: Session, source: ClaimSource, *, user_id: int | None) -> None:
    """Withdraw a claim source recorded in error; the audit log keeps what it was."""
    kind = "report" if source.report_id is not None else "incident"
    record(session, "claim_source.remove", user_id=user_id, object_type=kind,
           object_id=source.report_id or source.incident_id,
           detail={"claim_source_id": source.id, "claim": source.claim, "source_type": source.source_type})
    session.delete(source)
    session.flush()


def set_verification(session: Session, subject: Report | Incident, level: str, *, user_id: int | None) -> None:
    """Set the subject's verification level; audited as ``report.verify`` or ``incident.verify``."""
    kind, _column = _subject(subject)
    subject.verification = level
    session.add(subject)
    session.flush()
    record(session, f"{kind}.verify", user_id=user_id, object_type=kind, object_id=subject.id,
           detail={"verification": level})


def lacks_independent_source(level: str, sources: list[ClaimSource]) -> bool:
    """True when the level claims corroboration but only the reporter's word is recorded.

    A warning, not a refusal: sources are often recorded after the judgment, and the level
    remains the caseworker's call.
    """
    return level in NEEDS_INDEPENDENT and all(s.source_type in NOT_INDEPENDENT for s in sources)
