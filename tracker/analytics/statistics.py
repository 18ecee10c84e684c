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

from sqlalchemy import String, and_, case, cast, func, literal, null, or_, select, true, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, CompoundSelect, FromClause
from sqlmodel import Session

from ..models import Incident, IncidentReport, Involvement, RelativeStatus, Report
from .dimensions import INCIDENT_DIMENSIONS, RELATIVE_DIMENSIONS, Dimension, Joins, year_of
from .disclosure import Key

YEAR = re.compile(r"^\d{4}$")
# Filters that were ranges of months until issue 16: two ranges one month apart differenced a
# month's cells out of two releases. The API refuses them with a message naming ``year``.
RETIRED_FILTERS = ("period_from", "period_to")


class UnknownDimension(ValueError):
    """A breakdown was asked for by a dimension that does not exist."""


class TooFine(ValueError):
    """A table crosses more dimensions and filters than consistent suppression supports."""


@dataclass(frozen=True)
class Filters:
    """What the analyst narrowed the statistics to, each a fixed bin; every field optional.

    The period is a whole calendar year, never a range: every filter is a value of a dimension,
    so a filtered table is a slice of a cube that disclosure control protects as a whole.
    """

    year: str | None = None  # YYYY
    community: str | None = None
    origin_country: str | None = None
    host_country: str | None = None
    verification: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Filters from query-string arguments; a malformed year is ignored, not trusted."""
        values = {f.name: (args.get(f.name) or "").strip() or None for f in fields(cls)}
        if values["year"] and not YEAR.match(values["year"]):
            values["year"] = None
        return cls(**values)

    def as_dict(self) -> dict[str, str]:
        """The filters that are set, for links, exports and the audit log (no personal data)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


NO_FILTERS = Filters()


def counted_incident() -> ColumnElement:
    """The consent rule: no report behind it, or at least one consenting report.

    Said the other way round, "not among the incidents whose every report refused", so that
    both engines read the report links once, grouped, and look each incident up in the result,
    instead of running two correlated subqueries per incident: at a million incidents the rule
    alone went from 7.4 s to 2.4 s on PostgreSQL and from 2.0 s to 1.2 s on SQLite.
    """
    all_refused = (select(IncidentReport.incident_id)
                   .join(Report, Report.id == IncidentReport.report_id)
                   .group_by(IncidentReport.incident_id)
                   .having(func.max(case((Report.consent_statistics == true(), 1), else_=0)) == 0))
    return Incident.id.not_in(all_refused)


def counted_incident_each() -> ColumnElement:
    """The same consent rule as ``counted_incident``, correlated: cheap for a handful of incidents.

    The grouped form reads every report link once, which is right for a whole table and wrong
    for the few incidents one edit touches (tracker.analytics.upkeep), where it made each
    commit read the whole link table.
    """
    links = select(IncidentReport.incident_id).where(IncidentReport.incident_id == Incident.id)
    consenting = links.join(Report, Report.id == IncidentReport.report_id).where(Report.consent_statistics == true())
    return or_(~links.exists(), consenting.exists())


def filter_clauses(filters: Filters) -> list[ColumnElement]:
    """SQL conditions on the incident for these filters (the raw counts and the dataset export)."""
    clauses = [counted_incident()]
    for name in ("community", "origin_country", "host_country", "verification"):
        value = getattr(filters, name)
        if value:
            clauses.append(getattr(Incident, name) == value)
    if filters.year:
        clauses.append(year_of(Incident.start_date, Incident.start_precision) == filters.year)
    return clauses


def _dimensions(names: Sequence[str], catalogue: Mapping[str, Dimension]) -> list[Dimension]:
    unknown = [name for name in names if name not in catalogue]
    if unknown or not names:
        raise UnknownDimension(", ".join(unknown) or "no dimension")
    return [catalogue[name] for name in names]


def counts_query(joins: Joins, columns: Sequence[ColumnElement], subject: ColumnElement,
                 where: Sequence[ColumnElement]) -> CompoundSelect:
    """The cells and the total of one table in a single statement.

    The rows that count (consent rule, filters, joins) are gathered once into a materialised
    common table expression; the same statement then groups them into cells and counts the
    distinct people among all of them. The total used to be a second query repeating the
    consent rule and the joins, and at a million incidents it cost as much as the table did.
    Rows that lack a code of a breakdown's vocabulary (codes are left-joined) reach the total
    but no cell, as before.
    """
    in_cells = joins.in_cells()
    flag = [case((in_cells, 1), else_=0).label("in_cells")] if in_cells is not None else []
    counted = (select(*(column.label(f"d{index}") for index, column in enumerate(columns)),
                      subject.label("subject"), *flag)
               .select_from(joins.source).where(*where).cte("counted").prefix_with("MATERIALIZED"))
    keys = [counted.c[f"d{index}"] for index in range(len(columns))]
    people = func.count(counted.c.subject.distinct())
    cells = select(literal(0).label("is_total"), *keys, people).group_by(*keys)
    if in_cells is not None:
        cells = cells.where(counted.c.in_cells == 1)
    total = select(literal(1), *(cast(null(), String) for _ in keys), people)
    return union_all(cells, total)


def with_targets(source: FromClause) -> tuple[FromClause, ColumnElement]:
    """``source`` left-joined to each incident's targets, and the person each row stands for.

    An incident with no recorded target stands for one person, numbered by the negated incident
    id so it never collides with a person's id.
    """
    target = aliased(Involvement, name="target")
    joined = source.outerjoin(target, and_(target.incident_id == Incident.id, target.role == "target"))
    return joined, func.coalesce(target.person_id, literal(0) - Incident.id)


def incident_query(names: Sequence[str], filters: Filters) -> CompoundSelect:
    """People targeted by counted incidents, broken down by ``names``, with the total."""
    joins = Joins(Incident.__table__)
    columns = [dimension.expression(joins) for dimension in _dimensions(names, INCIDENT_DIMENSIONS)]
    joins.source, subject = with_targets(joins.source)
    return counts_query(joins, columns, subject, filter_clauses(filters))


def relative_query(names: Sequence[str], filters: Filters, where: Sequence[ColumnElement] = ()) -> CompoundSelect:
    """Relatives (distinct people) of counted incidents by their statuses, with the total."""
    joins = Joins(RelativeStatus.__table__.join(Incident, Incident.id == RelativeStatus.incident_id))
    columns = [dimension.expression(joins) for dimension in _dimensions(names, RELATIVE_DIMENSIONS)]
    return counts_query(joins, columns, RelativeStatus.person_id, [*filter_clauses(filters), *where])


@dataclass(frozen=True)
class Counts:
    """Distinct people per cell and in total, exactly as counted: not yet fit to publish."""

    cells: dict[Key, int]
    total: int


def count(session: Session, query: CompoundSelect) -> Counts:
    """Execute a table's statement (see ``counts_query``)."""
    cells: dict[Key, int] = {}
    total = 0
    for is_total, *values, people in session.execute(query):
        if is_total:
            total = int(people)
        else:
            cells[tuple(str(value) for value in values)] = int(people)
    return Counts(cells, total)


def incident_counts(session: Session, names: Sequence[str], filters: Filters = NO_FILTERS) -> Counts:
    """People targeted, broken down by incident dimensions (raw: release before showing)."""
    return count(session, incident_query(names, filters))


def relative_counts(session: Session, names: Sequence[str], filters: Filters = NO_FILTERS,
                    group: str | None = None, retaliation_only: bool = False) -> Counts:
    """Relatives by status, optionally one status group (e.g. "detention") or in retaliation only (raw)."""
    where: list[ColumnElement] = []
    if group:
        from .. import taxonomy

        where.append(RelativeStatus.status.in_([t.code for t in taxonomy.terms("relative_status") if t.group == group]))
    if retaliation_only:
        where.append(RelativeStatus.in_retaliation.in_(("yes", "likely")))
    return count(session, relative_query(names, filters, where))
