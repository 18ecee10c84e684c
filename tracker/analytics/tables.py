"""Released tables: every request answered as a slice of one consistently suppressed cube.

A request (people targeted or relatives, broken down by some dimensions, narrowed by fixed-bin
filters) is answered from the cube over its breakdown and filter dimensions with their parents
(tracker.analytics.lattice); all the cube's margins are counted in one statement over one
materialised pass of the counted rows, suppressed bottom up, and the request's slice released.
Page, export, API and CLI all come through here (issue 16: statistics that cannot be differenced).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import String, case, cast, func, literal, null, select, union_all
from sqlalchemy.sql import ColumnElement, CompoundSelect, Select
from sqlmodel import Session

from ..models import Incident, RelativeStatus
from .dimensions import INCIDENT_DIMENSIONS, PARENTS, RELATIVE_DIMENSIONS, Dimension, Joins
from .disclosure import Cell, ReleasedTable, threshold
from .lattice import Cube, Key, closed_subcubes, closure, protect
from .statistics import NO_FILTERS, Filters, TooFine, UnknownDimension, counted_incident, with_targets

# Breakdown and filter dimensions of one table, parents included: 2^5 margins at most, each
# counted by the one statement.
MAX_CUBE_DIMENSIONS = 5
SUBJECTS = ("incidents", "relatives")
CubeCounts = dict[Cube, dict[Key, int]]


@dataclass(frozen=True)
class TableRequest:
    """What an analyst asked for: whose counts, broken down how, narrowed to which bins."""

    subject: str
    by: tuple[str, ...]
    filters: Filters = NO_FILTERS
    group: str | None = None  # relatives: one status group, e.g. "detention"
    retaliation: bool = False  # relatives: in retaliation (yes or likely) only

    def fixed(self) -> dict[str, str]:
        """The dimensions the request fixes to one value: its filters, as cells of the cube."""
        values = self.filters.as_dict()
        if self.group:
            values["status_group"] = self.group
        if self.retaliation:
            values["retaliated"] = "yes"
        return values

    def cube(self) -> Cube:
        """The cube this request is a slice of (raises UnknownDimension or TooFine)."""
        dimensions = catalogue(self.subject)
        unknown = [name for name in self.by if name not in dimensions]
        if unknown or not self.by:
            raise UnknownDimension(", ".join(unknown) or "no dimension")
        cube = closure([*self.by, *self.fixed()], PARENTS, list(dimensions))
        if len(cube) > MAX_CUBE_DIMENSIONS:
            raise TooFine(", ".join(cube))
        return cube


def catalogue(subject: str) -> Mapping[str, Dimension]:
    """The dimensions a subject can be broken down by."""
    return RELATIVE_DIMENSIONS if subject == "relatives" else INCIDENT_DIMENSIONS


def counted_rows(subject: str, cube: Cube, consent: ColumnElement | None = None) -> tuple[Select, dict[str, set[str]]]:
    """The counted rows (consent rule, joins) with a column per dimension, the person and code flags.

    Columns are ``d0``.. in the cube's order, ``subject`` (the person counted) and ``has_<vocabulary>``
    (1 when the row carries a code of a left-joined vocabulary). Also returns, per dimension,
    the code vocabularies a row must have to fall in one of its cells. ``consent`` replaces the
    consent rule's grouped form (for a few incidents, its correlated form).
    """
    base = (RelativeStatus.__table__.join(Incident, Incident.id == RelativeStatus.incident_id)
            if subject == "relatives" else Incident.__table__)
    joins, columns, needs = Joins(base), [], {}
    for index, name in enumerate(cube):
        joins.used = set()
        columns.append(catalogue(subject)[name].expression(joins).label(f"d{index}"))
        needs[name] = set(joins.used)
    if subject == "relatives":
        subject_column = RelativeStatus.person_id
    else:
        joins.source, subject_column = with_targets(joins.source)
    vocabularies = sorted(set().union(*needs.values()))
    flags = [case((joins.code(vocabulary).incident_id.is_not(None), 1), else_=0).label(f"has_{vocabulary}")
             for vocabulary in vocabularies]
    rows = select(*columns, subject_column.label("subject"), *flags).select_from(joins.source)
    return rows.where(counted_incident() if consent is None else consent), needs


def cubes_statement(subject: str, cube: Cube, wanted: Sequence[Cube]) -> CompoundSelect:
    """Distinct people per cell of each wanted margin of ``cube``, in one statement.

    The counted rows are gathered once into a materialised common table expression; each margin
    groups it by its own dimensions. Codes are left-joined, so a margin with a code dimension
    keeps only rows that have such a code.
    """
    rows, needs = counted_rows(subject, cube)
    counted = rows.cte("counted").prefix_with("MATERIALIZED")
    parts = []
    for number, margin in enumerate(wanted):
        keys = [counted.c[f"d{cube.index(name)}"] if name in margin else cast(null(), String) for name in cube]
        part = select(literal(number).label("margin"), *keys, func.count(counted.c.subject.distinct()))
        for vocabulary in sorted(set().union(*(needs[name] for name in margin))):
            part = part.where(counted.c[f"has_{vocabulary}"] == 1)
        parts.append(part.group_by(*(counted.c[f"d{cube.index(name)}"] for name in margin)))
    return union_all(*parts)


def count_cubes(session: Session, subject: str, cube: Cube, wanted: Sequence[Cube]) -> CubeCounts:
    """Execute ``cubes_statement``: people per cell, keyed by each margin's own dimensions."""
    counts: CubeCounts = {margin: {} for margin in wanted}
    if not wanted:
        return counts
    positions = [[cube.index(name) for name in margin] for margin in wanted]
    for number, *values, people in session.execute(cubes_statement(subject, cube, wanted)):
        key = tuple(str(values[index]) for index in positions[number])
        counts[wanted[number]][key] = int(people)
    return counts


CubeSource = Callable[[Session, str, Cube, Sequence[Cube]], CubeCounts]


def _maintained(session: Session, subject: str, cube: Cube, wanted: Sequence[Cube]) -> CubeCounts:
    from .upkeep import read_margins

    return read_margins(session, subject, cube, wanted)


@dataclass
class Releaser:
    """Releases tables of one page or request, deciding each cube's pattern once.

    ``source`` gives the counts of margins not yet known: by default the maintained margins
    (tracker.analytics.upkeep), current with every committed change; ``count_cubes`` counts
    afresh. The threshold is read once, so one page is one consistent release.
    """

    session: Session
    source: CubeSource = field(default_factory=lambda: _maintained)
    k: int = field(default_factory=threshold)
    counts: dict[str, CubeCounts] = field(default_factory=dict)
    hidden: dict[str, dict[Cube, set[Key]]] = field(default_factory=dict)

    def release(self, request: TableRequest) -> ReleasedTable:
        """The request's slice of its protected cube."""
        cube = request.cube()
        known = self.counts.setdefault(request.subject, {})
        missing = [margin for margin in closed_subcubes(cube, PARENTS) if margin not in known]
        known.update(self.source(self.session, request.subject, cube, missing))
        lattice = {margin: known[margin] for margin in closed_subcubes(cube, PARENTS)}
        decided = self.hidden.setdefault(request.subject, {})
        decided.update(protect(lattice, PARENTS, self.k, decided))
        return sliced(request, cube, known, decided, self.k)


def sliced(request: TableRequest, cube: Cube, counts: CubeCounts, hidden: Mapping[Cube, set[Key]],
           k: int) -> ReleasedTable:
    """The cells of ``cube`` inside the request's filters, keyed by its breakdown, and its total.

    The total is the filters' own cell (the grand total without filters). When it is withheld,
    no cell is listed at all: a withheld table must not say which of its cells hold anyone.
    """
    fixed = request.fixed()
    margin = tuple(name for name in cube if name in fixed)
    total_key = tuple(fixed[name] for name in margin)
    total = counts[margin].get(total_key, 0)
    if total < k or total_key in hidden[margin]:
        return ReleasedTable(request.by, (), None, k)
    inside = [(cube.index(name), value) for name, value in fixed.items()]
    wanted = [cube.index(name) for name in request.by]
    cells = []
    for key in sorted(set(counts[cube]) | hidden[cube]):
        if all(key[index] == value for index, value in inside):
            projected = tuple(key[index] for index in wanted)
            cells.append(Cell(projected, None if key in hidden[cube] else counts[cube][key]))
    return ReleasedTable(request.by, tuple(sorted(cells, key=lambda cell: cell.key)), total, k)


def release_table(session: Session, request: TableRequest) -> ReleasedTable:
    """One table from the maintained counts, released (exports, the API and the command line)."""
    return Releaser(session).release(request)


def incident_table(session: Session, names: Sequence[str], filters: Filters = NO_FILTERS) -> ReleasedTable:
    """People targeted, broken down by incident dimensions, safe to publish."""
    return release_table(session, TableRequest("incidents", tuple(names), filters))


def relative_table(session: Session, names: Sequence[str], filters: Filters = NO_FILTERS,
                   group: str | None = None, retaliation_only: bool = False) -> ReleasedTable:
    """Relatives by status, optionally one status group or in retaliation only, safe to publish."""
    return release_table(session, TableRequest("relatives", tuple(names), filters, group, retaliation_only))
