"""Statistics queries: distinct-person counts per cell, released only through disclosure control.

Which records count (decided here, documented in the README, tested):
- An incident counts if at least one report it draws on was sent with consent to anonymous
  statistics, or if it draws on no report at all (a caseworker recorded it from a call, a
  meeting or public sources, so no reporter's choice is overridden). An incident drawn only
  from reports that withheld consent never counts.
- The unit is the targeted person: each person is counted at most once per cell, however many
  incidents they suffered in it. An incident with no recorded target counts as one person.
  A person merged into another (tracker.casework.dedup) is not counted: the involvements left on
  them duplicate the kept person's, whose id counts (``dimensions.unmerged``).
- Relatives are counted as distinct people, through their statuses linked to a counted incident.
- A group (tracker.casework.groups) counts as its number: its size, or its named members when
  more are named; a named member also counted on their own is inside that number, not added.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from sqlalchemy import and_, case, func, literal, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, FromClause
from sqlmodel import Session

from ..models import Incident, IncidentReport, Involvement, Report
from .dimensions import unmerged, year_of
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


def with_targets(source: FromClause) -> tuple[FromClause, ColumnElement]:
    """``source`` left-joined to each incident's targets, and the person each row stands for.

    An incident with no recorded target stands for one person, numbered by the negated incident
    id so it never collides with a person's id. A merged person's involvements are no target
    (``dimensions.unmerged``).
    """
    target = aliased(Involvement, name="target")
    joined = source.outerjoin(target, and_(target.incident_id == Incident.id, target.role == "target",
                                           unmerged(target.person_id)))
    return joined, func.coalesce(target.person_id, literal(0) - Incident.id)


@dataclass(frozen=True)
class Counts:
    """Distinct people per cell and in total, exactly as counted: not yet fit to publish."""

    cells: dict[Key, int]
    total: int


def raw_counts(session: Session, subject: str, names: Sequence[str], filters: Filters = NO_FILTERS,
               group: str | None = None, retaliation_only: bool = False) -> Counts:
    """People per cell of one table as counted, groups as their number (tests and checks; release before showing)."""
    from .tables import TableRequest, count_cubes, people

    request = TableRequest(subject, tuple(names), filters, group, retaliation_only)
    cube, fixed = request.cube(), request.fixed()
    margin = tuple(name for name in cube if name in fixed)
    counted = count_cubes(session, subject, cube, list(dict.fromkeys([cube, margin])))
    inside = [(cube.index(name), value) for name, value in fixed.items()]
    wanted = [cube.index(name) for name in names]
    cells = {tuple(key[index] for index in wanted): value for key, value in people(counted[cube]).items()
             if all(key[index] == value_ for index, value_ in inside)}
    return Counts(cells, people(counted[margin]).get(tuple(fixed[name] for name in margin), 0))


def incident_counts(session: Session, names: Sequence[str], filters: Filters = NO_FILTERS) -> Counts:
    """People targeted, broken down by incident dimensions (raw: release before showing)."""
    return raw_counts(session, "incidents", names, filters)


def relative_counts(session: Session, names: Sequence[str], filters: Filters = NO_FILTERS,
                    group: str | None = None, retaliation_only: bool = False) -> Counts:
    """Relatives by status, optionally one status group (e.g. "detention") or in retaliation only (raw)."""
    return raw_counts(session, "relatives", names, filters, group, retaliation_only)
