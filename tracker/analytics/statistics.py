"""Statistics queries: distinct-person counts per cell, released only through disclosure control.

Which records count (decided here, documented in the README, tested):
- An incident counts if at least one report it draws on was sent with consent to anonymous
  statistics, or if it draws on no report at all (a caseworker recorded it from a call, a
  meeting or public sources, so no reporter's choice is overridden). An incident drawn only
  from reports that withheld consent never counts.
- The unit is the targeted person: each person is counted at most once per cell, however many
  incidents they suffered in it. An incident with no recorded target counts as one person.
- Relatives are counted as distinct people, through their statuses linked to a counted incident.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import and_, exists, func, literal, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from ..models import Incident, IncidentReport, Involvement, RelativeStatus, Report
from .dimensions import INCIDENT_DIMENSIONS, RELATIVE_DIMENSIONS, Dimension, Joins
from .disclosure import Key, ReleasedTable, release

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class UnknownDimension(ValueError):
    """A breakdown was asked for by a dimension that does not exist."""


@dataclass(frozen=True)
class Filters:
    """What the analyst narrowed the statistics to; every field optional."""

    period_from: str | None = None  # YYYY-MM, inclusive
    period_to: str | None = None  # YYYY-MM, inclusive
    community: str | None = None
    origin_country: str | None = None
    host_country: str | None = None
    verification: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Filters from query-string arguments; malformed periods are ignored, not trusted."""
        values = {f.name: (args.get(f.name) or "").strip() or None for f in fields(cls)}
        for name in ("period_from", "period_to"):
            if values[name] and not MONTH.match(values[name]):
                values[name] = None
        return cls(**values)

    def as_dict(self) -> dict[str, str]:
        """The filters that are set, for links, exports and the audit log (no personal data)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


NO_FILTERS = Filters()


def counted_incident() -> ColumnElement:
    """The consent rule: no report behind it, or at least one consenting report."""
    any_report = exists().where(IncidentReport.incident_id == Incident.id)
    consenting = exists().where(IncidentReport.incident_id == Incident.id,
                                Report.id == IncidentReport.report_id, Report.consent_statistics == true())
    return or_(~any_report, consenting)


def _month_start(value: str, after: bool = False) -> date:
    year, month = int(value[:4]), int(value[5:7])
    if after:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, 1)


def filter_clauses(filters: Filters) -> list[ColumnElement]:
    """SQL conditions on the incident for these filters."""
    clauses = [counted_incident()]
    for name in ("community", "origin_country", "host_country", "verification"):
        value = getattr(filters, name)
        if value:
            clauses.append(getattr(Incident, name) == value)
    if filters.period_from:
        clauses.append(Incident.start_date >= _month_start(filters.period_from))
    if filters.period_to:
        clauses.append(Incident.start_date < _month_start(filters.period_to, after=True))
    return clauses


def _dimensions(names: Sequence[str], catalogue: Mapping[str, Dimension]) -> list[Dimension]:
    unknown = [name for name in names if name not in catalogue]
    if unknown or not names:
        raise UnknownDimension(", ".join(unknown) or "no dimension")
    return [catalogue[name] for name in names]


def incident_query(names: Sequence[str], filters: Filters) -> tuple[Select, Select]:
    """The cell query and the total query for incidents broken down by ``names``."""
    target = aliased(Involvement, name="target")
    joins = Joins(Incident.__table__)
    columns = [dimension.expression(joins) for dimension in _dimensions(names, INCIDENT_DIMENSIONS)]
    # The target is joined after the dimensions' inner joins, so SQLite's planner (which keeps
    # outer joins in place) can drive the query from the codes' index first.
    joins.source = joins.source.outerjoin(target, and_(target.incident_id == Incident.id, target.role == "target"))
    # Negative ids stand for incidents without a recorded target, so they never collide.
    subject = func.coalesce(target.person_id, literal(0) - Incident.id)
    where = filter_clauses(filters)
    cells = select(*columns, func.count(subject.distinct())).select_from(joins.source).where(*where)
    total_from = Incident.__table__.outerjoin(target, and_(target.incident_id == Incident.id, target.role == "target"))
    total = select(func.count(subject.distinct())).select_from(total_from).where(*where)
    return cells.group_by(*columns), total


def relative_query(names: Sequence[str], filters: Filters,
                   where: Sequence[ColumnElement] = ()) -> tuple[Select, Select]:
    """The cell and total queries for relatives (distinct people) by their statuses."""
    joins = Joins(RelativeStatus.__table__.join(Incident, Incident.id == RelativeStatus.incident_id))
    columns = [dimension.expression(joins) for dimension in _dimensions(names, RELATIVE_DIMENSIONS)]
    conditions = [*filter_clauses(filters), *where]
    subject = RelativeStatus.person_id.distinct()
    cells = select(*columns, func.count(subject)).select_from(joins.source).where(*conditions)
    total = select(func.count(subject)).select_from(joins.source).where(*conditions)
    return cells.group_by(*columns), total


def run(session: Session, queries: tuple[Select, Select], names: Sequence[str], total_key: tuple,
        totals: dict | None = None) -> ReleasedTable:
    """Execute a cell and total query and pass the counts through disclosure control.

    The total does not depend on the breakdown: a caller showing many breakdowns of the same
    data (the dashboard) passes one ``totals`` dict so each total is computed once.
    """
    cells_query, total_query = queries
    counts: dict[Key, int] = {}
    for row in session.execute(cells_query):
        counts[tuple(str(value) for value in row[:-1])] = int(row[-1])
    totals = {} if totals is None else totals
    if total_key not in totals:
        totals[total_key] = int(session.execute(total_query).scalar_one())
    return release(names, counts, totals[total_key])


def incident_table(session: Session, names: Sequence[str], filters: Filters = NO_FILTERS,
                   totals: dict | None = None) -> ReleasedTable:
    """People targeted, broken down by incident dimensions, safe to publish."""
    return run(session, incident_query(names, filters), names, ("incidents", filters), totals)


def relative_table(session: Session, names: Sequence[str], filters: Filters = NO_FILTERS,
                   group: str | None = None, retaliation_only: bool = False,
                   totals: dict | None = None) -> ReleasedTable:
    """Relatives by status, optionally one status group (e.g. "detention") or in retaliation only."""
    where: list[ColumnElement] = []
    if group:
        from .. import taxonomy

        where.append(RelativeStatus.status.in_([t.code for t in taxonomy.terms("relative_status") if t.group == group]))
    if retaliation_only:
        where.append(RelativeStatus.in_retaliation.in_(("yes", "likely")))
    key = ("relatives", filters, group, retaliation_only)
    return run(session, relative_query(names, filters, where), names, key, totals)
