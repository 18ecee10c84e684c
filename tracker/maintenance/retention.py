"""Retention rules: personal data the organisation no longer needs is really deleted.

Three rules, each configurable in days (README: Reliability):
- rejected and spam reports, after RETENTION_REJECTED_DAYS without activity: deleted;
- unverified anonymous reports (no name, no contact, not used in any incident), after
  RETENTION_UNVERIFIED_ANONYMOUS_DAYS without activity or message: deleted;
- closed cases, RETENTION_CLOSED_CASE_DAYS after closing unless a caseworker extended
  ``retain_until`` (audited): every sealed field of the case, its people, incidents, source
  reports and relatives' statuses is cleared, notes, messages and evidence deleted, name search
  digests removed. The coded facts stay, so aggregate statistics still count them.
"Deleted" covers the rows, the evidence files and the blind-index rows; SQLite's
secure_delete overwrites the freed pages (tracker/db.py). A row with a future ``retain_until``
is never touched. Everything runs in one transaction; a dry run rolls it back.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from .. import audit
from ..models import (
    Case, CaseNote, CasePerson, Evidence, Incident, IncidentReport, Intervention, Location, Message,
    Person, PersonNameToken, PersonRelationship, ReferralConsent, RelativeStatus, Report, ReportedRelative, utcnow,
)
from ..evidence_store import EvidenceStore
from .reseal import sealed_columns

DISCARDED_STATUSES = ("rejected", "spam")
OPEN_REPORT_STATUSES = ("new", "in_triage")


def is_retained(retain_until: date | None, today: date) -> bool:
    """Whether a caseworker's retention date still protects a row."""
    return retain_until is not None and retain_until >= today


def discarded_reports(session: Session, now: datetime, days: int) -> list[Report]:
    """Rejected and spam reports with no activity for ``days``."""
    query = select(Report).where(
        Report.status.in_(DISCARDED_STATUSES), Report.last_activity_at < now - timedelta(days=days),
        Report.follow_up_of_id.is_(None),
    )
    return [r for r in session.scalars(query) if not is_retained(r.retain_until, now.date())]


def stale_anonymous_reports(session: Session, now: datetime, days: int) -> list[Report]:
    """Unverified reports without name or contact, unused in incidents, quiet for ``days``."""
    cutoff = now - timedelta(days=days)
    follow_up = aliased(Report)
    query = select(Report).where(
        Report.status.in_(OPEN_REPORT_STATUSES), Report.verification == "unverified",
        Report.reporter_name.is_(None), Report.contact.is_(None), Report.follow_up_of_id.is_(None),
        Report.last_activity_at < cutoff,
        ~exists().where(IncidentReport.report_id == Report.id),
        ~exists().where(Message.report_id == Report.id, Message.created_at >= cutoff),
        ~exists().where(follow_up.follow_up_of_id == Report.id, follow_up.last_activity_at >= cutoff),
    )
    return [r for r in session.scalars(query) if not is_retained(r.retain_until, now.date())]


def expired_cases(session: Session, now: datetime, days: int) -> list[Case]:
    """Closed cases past their retention period and not extended."""
    query = select(Case).where(Case.status == "closed", Case.closed_at < now - timedelta(days=days))
    return [c for c in session.scalars(query) if not is_retained(c.retain_until, now.date())]


class Purge:
    """One retention pass: deletions and scrubs in the session, files erased after commit."""

    def __init__(self, session: Session):
        self.session = session
        self.counts: Counter = Counter()
        self.files: list[str] = []

    def delete_report(self, report: Report) -> None:
        """Delete a report, its follow-ups, codes, relatives, messages, evidence and its place."""
        for follow_up in self.session.scalars(select(Report).where(Report.follow_up_of_id == report.id)):
            self.delete_report(follow_up)
        for evidence in report.evidence:
            self.forget_evidence(evidence)
        if report.location_id is not None:
            self._delete_orphan_location(report.location_id, report.id)
        self.session.delete(report)
        self.session.flush()
        self.counts["reports deleted"] += 1

    def forget_evidence(self, evidence: Evidence) -> None:
        """Queue an evidence row's files for erasure; the row goes with its report or case."""
        for name in (evidence.stored_name, evidence.clean_stored_name):
            if name and name not in self.files:
                self.files.append(name)
        self.counts["evidence files"] += 1

    def _delete_orphan_location(self, location_id: int, report_id: int) -> None:
        """Delete the report's geocoded place unless something else points at it."""
        others = [
            select(Report.id).where(Report.location_id == location_id, Report.id != report_id),
            select(Incident.id).where(Incident.location_id == location_id),
            select(RelativeStatus.id).where(RelativeStatus.location_id == location_id),
        ]
        if not any(self.session.scalars(q.limit(1)).first() for q in others):
            location = self.session.get(Location, location_id)
            if location is not None:
                self.session.delete(location)

    def scrub(self, row: object) -> None:
        """Clear every nullable sealed field of a row (the coded, countable facts stay)."""
        table = row.__table__  # type: ignore[attr-defined]
        for target in sealed_columns():
            name = target.column.name
            if target.table is table and target.column.nullable and getattr(row, name) is not None:
                setattr(row, name, None)
                self.counts["sealed fields cleared"] += 1

    def delete_rows(self, rows) -> None:
        """Delete rows that are personal data through and through (notes, messages)."""
        for row in rows:
            self.session.delete(row)
            self.counts["notes and messages deleted"] += 1

    def erase_files(self, store: EvidenceStore) -> int:
        """After commit: erase the queued evidence files from the store."""
        return store.erase(self.files)


def purge_case(purge: Purge, case: Case, protected_people: set[int]) -> None:
    """Clear a closed case's personal data and that of everything only it holds."""
    session = purge.session
    purge.scrub(case)
    purge.delete_rows(session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)))
    for intervention in session.scalars(select(Intervention).where(Intervention.case_id == case.id)):
        purge.scrub(intervention)
    # Referral consents keep who, when and how (the record that a referral was allowed); the
    # sealed note goes with the rest of the case.
    for consent in session.scalars(select(ReferralConsent).where(ReferralConsent.case_id == case.id)):
        purge.scrub(consent)
    for evidence in session.scalars(select(Evidence).where(Evidence.case_id == case.id)):
        purge.forget_evidence(evidence)
        session.delete(evidence)
    people = session.scalars(select(CasePerson.person_id).where(CasePerson.case_id == case.id)).all()
    for person_id in set(people) - protected_people:
        purge_person(purge, session.get(Person, person_id))
    for incident in session.scalars(select(Incident).where(Incident.case_id == case.id)):
        purge.scrub(incident)
        for report in session.scalars(select(Report).join(IncidentReport).where(
                IncidentReport.incident_id == incident.id)):
            purge_report_content(purge, report)


def purge_person(purge: Purge, person: Person) -> None:
    """Clear a person's sealed fields, relationships' notes, statuses' places; drop name digests."""
    session = purge.session
    purge.scrub(person)
    tokens = session.scalars(select(PersonNameToken).where(PersonNameToken.person_id == person.id)).all()
    for token in tokens:
        session.delete(token)
    purge.counts["name search digests deleted"] += len(tokens)
    links = select(PersonRelationship).where(or_(PersonRelationship.person_id == person.id,
                                                 PersonRelationship.related_person_id == person.id))
    for row in [*session.scalars(links),
                *session.scalars(select(RelativeStatus).where(RelativeStatus.person_id == person.id))]:
        purge.scrub(row)


def purge_report_content(purge: Purge, report: Report) -> None:
    """Clear what a reporter wrote while keeping the report's codes for statistics."""
    purge.scrub(report)
    for relative in purge.session.scalars(select(ReportedRelative).where(ReportedRelative.report_id == report.id)):
        purge.scrub(relative)
    purge.delete_rows(purge.session.scalars(select(Message).where(Message.report_id == report.id)))
    for evidence in list(report.evidence):
        purge.forget_evidence(evidence)
        purge.session.delete(evidence)


def people_of_kept_cases(session: Session, purged: set[int]) -> set[int]:
    """People who also belong to a case that is not being purged: theirs is still needed."""
    query = select(CasePerson.person_id)
    if purged:
        query = query.where(CasePerson.case_id.not_in(purged))
    return set(session.scalars(query))


def apply_rules(session: Session, config: dict, now: datetime | None = None) -> Purge:
    """Apply every retention rule in the session (the caller commits or rolls back)."""
    now = now or utcnow()
    purge = Purge(session)
    reports = {r.id: r for r in discarded_reports(session, now, config["RETENTION_REJECTED_DAYS"])}
    reports.update({r.id: r for r in stale_anonymous_reports(
        session, now, config["RETENTION_UNVERIFIED_ANONYMOUS_DAYS"])})
    for report in reports.values():
        purge.delete_report(report)
    cases = expired_cases(session, now, config["RETENTION_CLOSED_CASE_DAYS"])
    protected = people_of_kept_cases(session, {c.id for c in cases})
    for case in cases:
        before = sum(purge.counts.values())
        purge_case(purge, case, protected)
        if sum(purge.counts.values()) > before:
            purge.counts["closed cases purged"] += 1
    session.flush()
    return purge


def extend_case_retention(session: Session, case: Case, until: date, *, user_id: int | None,
                          actor: str = "staff") -> None:
    """Keep a case's personal data until ``until``; the extension is written to the audit log."""
    previous = case.retain_until
    case.retain_until = until
    case.updated_at = utcnow()
    session.add(case)
    audit.record(session, "case.retention_extended", user_id=user_id, actor=actor, object_type="case",
                 object_id=case.id, detail={"retain_until": until.isoformat(),
                                            "previous": previous.isoformat() if previous else None})
