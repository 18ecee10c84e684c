"""Questions casework answers from the database, such as relatives detained in retaliation."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, extract, func
from sqlmodel import Session, select

from .. import taxonomy
from ..models import Incident, IncidentReport, PersonRelationship, RelativeStatus

RETALIATION_COUNTED = ("yes", "likely")


@dataclass(frozen=True)
class DetentionCount:
    """How many distinct relatives were detained in retaliation in one year by one origin state."""

    year: int
    origin_country: str
    relatives: int


def detention_statuses() -> list[str]:
    """Codes of the "detention" family: detained, imprisoned, house arrest, disappeared..."""
    return sorted(t.code for t in taxonomy.terms("relative_status") if t.group == "detention")


def relatives_detained_in_retaliation(session: Session) -> list[DetentionCount]:
    """How many relatives of reporters were detained in retaliation, by year and origin state.

    A relative counts once per year and state when they have a detention-family status dated that
    year, marked as retaliation (yes or likely), linked to an incident drawn from a report, and
    they are the related person of a relationship (someone's parent, sibling...).
    """
    year = extract("year", RelativeStatus.status_date)
    is_relative = exists().where(PersonRelationship.related_person_id == RelativeStatus.person_id)
    from_report = exists().where(IncidentReport.incident_id == Incident.id)
    rows = session.exec(
        select(year, Incident.origin_country, func.count(func.distinct(RelativeStatus.person_id)))
        .join(Incident, Incident.id == RelativeStatus.incident_id)
        .where(RelativeStatus.status.in_(detention_statuses()),
               RelativeStatus.in_retaliation.in_(RETALIATION_COUNTED),
               RelativeStatus.status_date.is_not(None), Incident.origin_country.is_not(None),
               is_relative, from_report)
        .group_by(year, Incident.origin_country)
        .order_by(year, Incident.origin_country)
    ).all()
    return [DetentionCount(int(y), origin, count) for y, origin, count in rows]
