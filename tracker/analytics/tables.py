"""Released tables: every request answered as a slice of one consistently suppressed cube.

A request (people targeted or relatives, broken down by some dimensions, narrowed by fixed-bin
filters) is answered from the cube over its breakdown and filter dimensions with their parents
(tracker.analytics.lattice); all the cube's margins are counted in one statement over one
materialised pass of the counted rows, suppressed bottom up, and the request's slice released.
Page, export, API and CLI all come through here (issue 16: statistics that cannot be differenced).
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from operator import eq, gt, itemgetter, sub

from sqlalchemy import String, and_, case, cast, distinct, func, literal, null, select, true, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, CompoundSelect, FromClause, Select
from sqlmodel import Session

from ..casework.groups import MEMBER, group_numbers
from ..models import Incident, Person, PersonRelationship, RelativeStatus
from .dimensions import INCIDENT_DIMENSIONS, PARENTS, RELATIVE_DIMENSIONS, Dimension, Joins, unmerged
from .disclosure import Cell, ReleasedTable, threshold
from .lattice import Cube, Key, closed_subcubes, closure, protect
from .statistics import NO_FILTERS, Filters, TooFine, UnknownDimension, counted_incident

# Breakdown and filter dimensions of one table, parents included: 2^5 margins at most, each
# counted by the one statement.
MAX_CUBE_DIMENSIONS = 5
SUBJECTS = ("incidents", "relatives")
CubeCounts = dict[Cube, dict[Key, int]]
# A margin's cells also hold, under the cell's key with this marker appended, how many of the
# cell's people are inside the groups it holds (the sum of those groups' numbers): disclosure
# control tells from it how many people the cell holds outside groups whose size may be public.
IN_GROUPS = "@in_groups"


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


def with_groups(source: FromClause, person: ColumnElement) -> tuple[FromClause, ColumnElement, ColumnElement]:
    """``source`` with each counted person that is a group spread over its named members.

    Returns the joined source, the named member of the row (null when the person is no group or
    a group with no named member) and the group (null when the person is no group). A group
    with named members becomes one row per member, so a member who is also counted on their own
    (a target of the same incident, or of another one in the same cell) is one person, once;
    what the group adds beyond them is ``GroupNumber.unnamed``, added per cell by ``count_cubes``.
    """
    group = aliased(Person, name="counted_group")
    member = aliased(PersonRelationship, name="named_member")
    # A merged member's link stayed only because the kept person was a member already.
    joined = (source.outerjoin(group, and_(group.id == person, group.is_group == true()))
              .outerjoin(member, and_(member.person_id == group.id, member.relationship_type == MEMBER,
                                      unmerged(member.related_person_id))))
    return joined, member.related_person_id, group.id


def counted_rows(subject: str, cube: Cube, consent: ColumnElement | None = None) -> tuple[Select, dict[str, set[str]]]:
    """The counted rows (consent rule, joins) with a column per dimension, the person and code flags.

    Columns are ``d0``.. in the cube's order, ``subject`` (the person counted: a group's named
    member in place of the group, an incident with no recorded target as its negated id),
    ``counted_group`` (the group the row stands for, else null) and ``has_<vocabulary>`` (1 when
    the row carries a code of a left-joined vocabulary). Also returns, per dimension, the code
    vocabularies a row must have to fall in one of its cells. ``consent`` replaces the consent
    rule's grouped form (for a few incidents, its correlated form).
    """
    base = (RelativeStatus.__table__.join(Incident, Incident.id == RelativeStatus.incident_id)
            if subject == "relatives" else Incident.__table__)
    joins, columns, needs = Joins(base), [], {}
    for index, name in enumerate(cube):
        joins.used = set()
        columns.append(catalogue(subject)[name].expression(joins).label(f"d{index}"))
        needs[name] = set(joins.used)
    person = RelativeStatus.person_id if subject == "relatives" else joins.target().person_id
    joins.source, member, group = with_groups(joins.source, person)
    # An incident with no recorded target stands for one person, numbered by the negated
    # incident id so it never collides with a person's id.
    subject_column = (func.coalesce(member, person) if subject == "relatives"
                      else func.coalesce(member, person, literal(0) - Incident.id))
    vocabularies = sorted(set().union(*needs.values()))
    flags = [case((joins.code(vocabulary).incident_id.is_not(None), 1), else_=0).label(f"has_{vocabulary}")
             for vocabulary in vocabularies]
    rows = select(*columns, subject_column.label("subject"), group.label("counted_group"),
                  *flags).select_from(joins.source)
    # An incident merged into another is a marked row kept for undoing the merge; its people,
    # sources and statuses moved to the one it was merged into, which counts them.
    return rows.where(counted_incident() if consent is None else consent, Incident.merged_into_id.is_(None)), needs


def distinct_list(column: ColumnElement, dialect: str | None) -> ColumnElement:
    """The distinct values of a column in a group, comma-separated (null when none, or no dialect)."""
    if dialect == "postgresql":
        return func.string_agg(distinct(cast(column, String)), literal(","))
    if dialect:
        return func.group_concat(distinct(column))
    return cast(null(), String)


def cubes_statement(subject: str, cube: Cube, wanted: Sequence[Cube], groups_in: str | None = None) -> CompoundSelect:
    """Distinct people per cell of each wanted margin of ``cube``, in one statement.

    The counted rows are gathered once into a materialised common table expression; each margin
    groups it by its own dimensions. Codes are left-joined, so a margin with a code dimension
    keeps only rows that have such a code. With ``groups_in`` (the dialect's name; None when the
    database holds no group) each cell also lists the groups it holds.
    """
    rows, needs = counted_rows(subject, cube)
    counted = rows.cte("counted").prefix_with("MATERIALIZED")
    parts = []
    for number, margin in enumerate(wanted):
        keys = [counted.c[f"d{cube.index(name)}"] if name in margin else cast(null(), String) for name in cube]
        part = select(literal(number).label("margin"), *keys, func.count(counted.c.subject.distinct()),
                      distinct_list(counted.c.counted_group, groups_in))
        for vocabulary in sorted(set().union(*(needs[name] for name in margin))):
            part = part.where(counted.c[f"has_{vocabulary}"] == 1)
        parts.append(part.group_by(*(counted.c[f"d{cube.index(name)}"] for name in margin)))
    return union_all(*parts)


def any_group(session: Session) -> bool:
    """Whether any person is a group (when none is, counting skips listing each cell's groups)."""
    return session.execute(select(Person.id).where(Person.is_group == true()).limit(1)).first() is not None


def count_cubes(session: Session, subject: str, cube: Cube, wanted: Sequence[Cube]) -> CubeCounts:
    """Execute ``cubes_statement``: people per cell, keyed by each margin's own dimensions.

    A group counts as its number (tracker.casework.groups): the statement counts its named
    members (or the group itself when none is named) as distinct people, and each cell then
    gains what its groups add beyond them, and an ``IN_GROUPS`` entry.
    """
    counts: CubeCounts = {margin: {} for margin in wanted}
    if not wanted:
        return counts
    positions = [[cube.index(name) for name in margin] for margin in wanted]
    dialect = session.get_bind().dialect.name if any_group(session) else None
    grouped: list[tuple[Cube, Key, list[int]]] = []
    for number, *values, people, groups in session.execute(cubes_statement(subject, cube, wanted, dialect)):
        key = tuple(str(values[index]) for index in positions[number])
        counts[wanted[number]][key] = int(people)
        if groups:
            grouped.append((wanted[number], key, [int(group) for group in str(groups).split(",")]))
    numbers = group_numbers(session, {group for _margin, _key, groups in grouped for group in groups})
    for margin, key, groups in grouped:
        counts[margin][key] += sum(numbers[group].unnamed for group in groups)
        counts[margin][key + (IN_GROUPS,)] = sum(numbers[group].people for group in groups)
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
        with paused_collector():
            return self._release(request)

    def _release(self, request: TableRequest) -> ReleasedTable:
        cube = request.cube()
        known = self.counts.setdefault(request.subject, {})
        missing = [margin for margin in closed_subcubes(cube, PARENTS) if margin not in known]
        known.update(self.source(self.session, request.subject, cube, missing))
        lattice, outside, sensitive = {}, {}, {}
        for margin in closed_subcubes(cube, PARENTS):
            lattice[margin], outside[margin], sensitive[margin] = beside_groups(known[margin], len(margin), self.k)
        decided = self.hidden.setdefault(request.subject, {})
        in_order: dict[Cube, list[Key]] = {}
        decided.update(protect(lattice, PARENTS, self.k, decided, sensitive, outside, in_order))
        return sliced(request, cube, lattice, decided, self.k, in_order.get(cube))


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector while a cube is read, protected and sliced.

    The work builds tens of thousands of tuples, lists and dictionaries that live until it ends
    and hold no reference cycles; each collection they set off walked them and every object of
    the application again (at 100,000 incidents a third of the CPU time of ``export stats``).
    Reference counting still frees everything as usual; the collector resumes afterwards (when
    it was running before: nested or concurrent pauses leave it as the outermost found it).
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def people(cells: Mapping[Key, int]) -> dict[Key, int]:
    """A margin's people per cell, without its ``IN_GROUPS`` entries."""
    return {key: count for key, count in cells.items() if not key or key[-1] != IN_GROUPS}


def outside_groups(cells: Mapping[Key, int]) -> dict[Key, int]:
    """People of each cell outside the groups it holds (all of them in a cell without a group).

    A group's size is often public (the Hong Kong 47), so a cell of the 47 and two others tells
    a reader that two people are counted there beside them: such a cell is withheld as if it held
    two, and withheld cells must hold k such people together, not k counting groups (issue 12 §3).
    """
    found = people(cells)
    for key, in_groups in cells.items():
        if key and key[-1] == IN_GROUPS:
            found[key[:-1]] = max(0, found.get(key[:-1], 0) - in_groups)
    return found


def beside_groups(cells: Mapping[Key, int], width: int, k: int) -> tuple[dict[Key, int], dict[Key, int], set[Key]]:
    """A margin's ``people``, ``outside_groups`` and the cells with groups that hold 1 to k - 1 others.

    The same as those functions, a column at a time (tens of thousands of cells at 100,000
    incidents): a margin's ``IN_GROUPS`` entries are its keys one longer than its width. Only a
    cell with groups can be sensitive without being below k already (a cell without one has as
    many people outside groups as in it), so only those are listed for ``lattice.protect``.
    """
    entries = list(compress(cells, map(eq, map(len, cells), repeat(width + 1))))
    found = dict(cells)  # (a copy of a dictionary is made without hashing its keys again)
    for entry in entries:
        del found[entry]
    if not entries:
        return found, found, set()
    heads = list(map(itemgetter(slice(None, -1)), entries))
    beside = list(map(max, repeat(0), map(sub, map(found.get, heads, repeat(0)), map(cells.__getitem__, entries))))
    outside = found.copy()
    outside.update(zip(heads, beside, strict=True))
    return found, outside, {head for head, alone in zip(heads, beside, strict=True) if 0 < alone < k}


def sliced(request: TableRequest, cube: Cube, counts: CubeCounts, hidden: Mapping[Cube, set[Key]],
           k: int, in_order: Sequence[Key] | None = None) -> ReleasedTable:
    """The cells of ``cube`` inside the request's filters, keyed by its breakdown, and its total.

    The total is the filters' own cell (the grand total without filters). When it is withheld,
    no cell is listed at all: a withheld table must not say which of its cells hold anyone.
    ``in_order``: the cube's cells (with people or withheld) already in key order, as
    ``lattice.protect`` gives them, else they are sorted here.
    """
    fixed = request.fixed()
    margin = tuple(name for name in cube if name in fixed)
    total_key = tuple(fixed[name] for name in margin)
    total = counts[margin].get(total_key, 0)
    if total < k or total_key in hidden[margin]:
        return ReleasedTable(request.by, (), None, k)
    inside = [(cube.index(name), value) for name, value in fixed.items()]
    wanted = [cube.index(name) for name in request.by]
    kept, withheld = counts[cube], hidden[cube]
    keys = sorted(set(kept).union(withheld)) if in_order is None else in_order
    if inside:
        keys = [key for key in keys if all(key[index] == value for index, value in inside)]
    # Tens of thousands of cells at 100,000 incidents: each step a column at a time.
    projected = (keys if wanted == list(range(len(cube))) else list(map(itemgetter(*wanted), keys))
                 if len(wanted) > 1 else [(key[wanted[0]],) for key in keys])
    released = [None if key in withheld else kept[key] for key in keys]
    if any(map(gt, projected, islice(projected, 1, None))):
        # Out of order once projected (a dimension sorts before a parent left out): sorted by the
        # projected key, cube order among equals, as a stable sort of the cells would.
        order = sorted(range(len(keys)), key=projected.__getitem__)
        projected, released = [projected[i] for i in order], [released[i] for i in order]
    return ReleasedTable(request.by, tuple(map(Cell, projected, released)), total, k)


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
