"""Which records may go to a partner: the reporters' consent, the strictest rule winning.

- An incident may go only if it cites at least one report and every report it cites consented
  to sharing with partners (``Report.consent_partners``).
- A person may go only if at least one report speaks of them (through an incident they are
  involved in, or as the relative a report described) and no report that speaks of them refused.
  One refusing report among several is enough to keep a person home, names and all.
- A record with no report at all (typed by a caseworker, imported from a spreadsheet) has no
  recorded consent, so it never leaves.
- A record that came from a partner's package goes back to that partner only, never onward:
  its reporters consented to that organisation's sharing, not to ours.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, select

from ..models import Incident, IncidentReport, Involvement, Person, Report, ReportedRelative


def _consent_by(rows: Iterable[tuple[int, bool]]) -> dict[int, set[bool]]:
    found: dict[int, set[bool]] = defaultdict(set)
    for record_id, consent in rows:
        found[record_id].add(bool(consent))
    return found


def incident_consents(session: Session, incident_ids: Iterable[int]) -> dict[int, set[bool]]:
    """For each incident, the set of consents of the reports it cites (empty: no report)."""
    ids = list(incident_ids)
    if not ids:
        return {}
    return _consent_by(session.exec(
        select(IncidentReport.incident_id, Report.consent_partners).join(Report, Report.id == IncidentReport.report_id)
        .where(IncidentReport.incident_id.in_(ids))).all())


def person_consents(session: Session, person_ids: Iterable[int]) -> dict[int, set[bool]]:
    """For each person, the consents of every report that speaks of them, by either path."""
    ids = list(person_ids)
    if not ids:
        return {}
    involved = session.exec(
        select(Involvement.person_id, Report.consent_partners)
        .join(IncidentReport, IncidentReport.incident_id == Involvement.incident_id)
        .join(Report, Report.id == IncidentReport.report_id).where(Involvement.person_id.in_(ids))).all()
    described = session.exec(
        select(ReportedRelative.person_id, Report.consent_partners)
        .join(Report, Report.id == ReportedRelative.report_id).where(ReportedRelative.person_id.in_(ids))).all()
    return _consent_by([*involved, *described])


def may_share(record: Incident | Person, consents: set[bool], partner_id: int) -> bool:
    """The rule above for one record, given the consents of the reports that speak of it."""
    if False in consents:
        return False  # the strictest rule wins: one refusal keeps the record home
    if record.source_partner_id is not None:
        return record.source_partner_id == partner_id  # back to where it came from, never onward
    return True in consents
