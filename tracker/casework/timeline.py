"""A case's timeline: its incidents, the statuses of its people and its interventions, by date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from ..models import Intervention, RelativeStatus
from .cases import case_incidents, case_people


@dataclass(frozen=True)
class TimelineEntry:
    """One dated line of a case's timeline; ``kind`` is incident, status or intervention."""

    when: date | None
    precision: str
    kind: str
    code: str
    object_id: int
    person_id: int | None = None
    in_retaliation: str | None = None
    sentence_months: int | None = None


def case_timeline(session: Session, case_id: int) -> list[TimelineEntry]:
    """Everything dated in a case, oldest first; undated entries at the end."""
    entries = [TimelineEntry(i.start_date, i.start_precision, "incident", i.primary_tactic, i.id)
               for i in case_incidents(session, case_id)]
    person_ids = [person.id for person, _role in case_people(session, case_id)]
    if person_ids:
        statuses = session.exec(select(RelativeStatus).where(RelativeStatus.person_id.in_(person_ids))).all()
        entries += [TimelineEntry(s.status_date, s.date_precision, "status", s.status, s.id, s.person_id,
                                  s.in_retaliation, s.sentence_months) for s in statuses]
    interventions = session.exec(select(Intervention).where(Intervention.case_id == case_id)).all()
    entries += [TimelineEntry(i.intervention_date, "exact" if i.intervention_date else "unknown",
                              "intervention", i.intervention_type, i.id) for i in interventions]
    return sorted(entries, key=lambda e: (e.when is None, e.when or date.min, e.kind, e.object_id))
