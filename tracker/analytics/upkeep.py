"""Statistics kept current as data changes, in the same transaction as the change (issue 17).

Every margin a table has needed is registered in ``statistics_margin`` with its cells' counts
in ``statistics_cell``. Distinct-person counts cannot be adjusted by +1/-1 per row (a person
targeted twice in a year is one person in it), so the adjustment is per *person*: when a flush
touches incidents, their codes, targets, source reports, reports' consent, places or relatives'
statuses, the people whose counts may move are listed, the cells each of them falls in are
read before the flush and after it, and every registered cell moves by the people who entered
it minus those who left. A group (tracker.casework.groups) enters a cell as its named members,
who are people like any other, and as itself carrying what it adds beyond them and its whole
number (the cell's ``IN_GROUPS`` entry), both read as the database stands before and after: a
new member, a changed size or a person made a group moves the counts like any other edit. The
result equals a full recount, which the tests check on both engines after random changes;
``flask analytics refresh`` recounts every margin all the same.

The hook is a SQLAlchemy session event on every ``sqlmodel.Session`` (installed by
``init_app``), so casework code needs no call of its own and edits elsewhere keep it working
as long as they go through the ORM. Bulk SQL that bypasses the session (``demo-data``,
restore) must be followed by ``flask analytics refresh``.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import hashlib
from functools import lru_cache

from flask import current_app
from sqlalchemy import String, bindparam, cast, delete, event, func, insert, inspect, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Connection
from sqlmodel import Session

from ..audit import serialise_writes
from ..casework.groups import MEMBER, group_numbers
from ..models import (Incident, IncidentCode, IncidentReport, Involvement, Location, Person, PersonRelationship,
                      RelativeStatus, Report)
from ..models.base import utcnow
from ..models.statistics import StatisticsCell, StatisticsMargin
from .lattice import Cube, Key

TRACKED = (Incident, IncidentCode, IncidentReport, Involvement, Location, Person, PersonRelationship,
           RelativeStatus, Report)
# Of these, the ones whose mere creation can move a count: a new report, person or place is
# linked to no incident yet (intake adds reports all day and must not pay for statistics); a
# new link can make someone a named member of a group.
COUNTED_WHEN_NEW = (Incident, IncidentCode, IncidentReport, Involvement, PersonRelationship, RelativeStatus)
# (margin key, subject kind) -> person (or ("group", id)) -> cell -> how much they add to it
Memberships = dict[tuple[str, str], dict[object, dict[Key, int]]]
_BEFORE = "analytics.upkeep.before"
_PAUSED = "analytics.upkeep.paused"


def margin_key(subject: str, margin: Cube) -> str:
    """The registry key of one margin: a digest of whose counts and which dimensions (no codes)."""
    text = json.dumps({"of": subject, "cube": list(margin)}, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_margins(session: Session, subject: str, cube: Cube, wanted: Sequence[Cube]) -> dict[Cube, dict[Key, int]]:
    """A cube source for tracker.analytics.tables: registered margins as kept, the rest counted and registered."""
    from .tables import count_cubes

    keys = {margin_key(subject, margin): margin for margin in wanted}
    registered = set(session.execute(select(StatisticsMargin.key).where(StatisticsMargin.key.in_(keys))).scalars())
    connection = session.connection()  # (the session has flushed its changes for the statement above)
    # Each margin's cells come as one text, "people,cell,people,cell..." (cells are JSON lists),
    # decoded by one json.loads: a row, a JSON text and a Python step per cell were most of the
    # reading (75,000 cells at 100,000 incidents). Count and cell travel in the same element, so
    # no aggregate order has to match another's.
    pairs = func.aggregate_strings(cast(StatisticsCell.people, String) + literal(",") + StatisticsCell.cell, ",")
    found: dict[Cube, dict[Key, int]] = {keys[key]: {} for key in registered}
    for key, text in connection.execute(select(StatisticsCell.margin_key, pairs)
                                        .where(StatisticsCell.margin_key.in_(registered), StatisticsCell.people != 0)
                                        .group_by(StatisticsCell.margin_key)):
        if text:
            flat = json.loads("[" + text + "]")
            found[keys[key]] = dict(zip(map(tuple, flat[1::2]), flat[::2], strict=True))
    missing = [margin for margin in wanted if margin not in found]
    counted = count_cubes(session, subject, cube, missing)
    if counted:
        try:
            register(session, subject, counted)
        except IntegrityError:
            session.rollback()  # another request registered them meanwhile: read theirs next time
    return {**found, **counted}


def register(session: Session, subject: str, counted: dict[Cube, dict[Key, int]], replace: bool = False) -> None:
    """Store margins counted in full, from now on kept current by the flush hook, and commit."""
    connection = session.connection()
    for margin, cells in counted.items():
        key = margin_key(subject, margin)
        if replace:
            connection.execute(delete(StatisticsMargin).where(StatisticsMargin.key == key))
            connection.execute(delete(StatisticsCell).where(StatisticsCell.margin_key == key))
        connection.execute(insert(StatisticsMargin).values(key=key, subject=subject, dimensions=json.dumps(margin),
                                                           counted_at=utcnow()))
        if cells:
            connection.execute(insert(StatisticsCell), [{"margin_key": key, "cell": json.dumps(list(cell)),
                                                         "people": people} for cell, people in cells.items()])
    session.commit()


def init_app(_app) -> None:
    """Install the flush hook once per process (it is a no-op while no margin is registered)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


def _changed(session: Session) -> list:
    new = [obj for obj in session.new if isinstance(obj, COUNTED_WHEN_NEW)]
    return new + [obj for obj in (*session.dirty, *session.deleted) if isinstance(obj, TRACKED)]


@contextmanager
def counted_across(session: Session, objects: Iterable) -> Iterator[None]:
    """Keep the counts of these objects' people right across writes the flush hook cannot see.

    A merge moves involvements, statuses and sources with bulk UPDATEs, which no flush reports.
    The people the objects concern (as ``_people`` lists them, before and after) are counted as
    the database stands before the block and after it, and the difference applied once; the hook
    stands aside meanwhile, so a flush inside the block is not applied twice. The block may only
    move rows among those people (a merge moves them between the two it merges).
    """
    session.flush()
    connection = session.connection()
    margins = _registered(connection) if _has_registry(connection) else {}
    if not margins:
        yield
        return
    objects = list(objects)
    serialise_writes(connection)
    people = _people(connection, objects)
    old = _memberships(connection, margins, people)
    session.info[_PAUSED] = True
    try:
        yield
        session.flush()
    finally:
        session.info.pop(_PAUSED, None)
    after = _people(connection, objects)
    people = {kind: people[kind] | after[kind] for kind in people}
    _apply(connection, old, _memberships(connection, margins, people))


def _before_flush(session: Session, _context, _instances) -> None:
    session.info.pop(_BEFORE, None)  # left over from a flush that failed half way
    if session.info.get(_PAUSED):
        return  # inside counted_across, which counts the block's changes itself
    changed = _changed(session)
    if not changed:
        return
    connection = session.connection()
    if not _has_registry(connection):
        return
    margins = _registered(connection)
    if not margins:
        return
    serialise_writes(connection)  # before the "before" read: another host may be counting the same people
    people = _people(connection, changed)
    session.info[_BEFORE] = (people, _memberships(connection, margins, people))


def _after_flush(session: Session, _context) -> None:
    before = session.info.pop(_BEFORE, None)
    if before is None:
        return
    connection = session.connection()
    margins = _registered(connection)
    people_before, old = before
    people = _people(connection, _changed(session))
    people = {kind: people_before[kind] | people[kind] for kind in people}
    new = _memberships(connection, margins, people)
    _apply(connection, old, new)


_SCHEMA_READY: set[str] = set()


def _has_registry(connection: Connection) -> bool:
    """Whether this database has the kept-count tables yet (a database not yet upgraded has not).

    Asked once per database while the answer is yes; asked again while it is no, so a database
    upgraded while the app runs is kept from then on.
    """
    url = connection.engine.url.render_as_string(hide_password=True)
    if url not in _SCHEMA_READY and inspect(connection).has_table(StatisticsMargin.__tablename__):
        _SCHEMA_READY.add(url)
    return url in _SCHEMA_READY


def _registered(connection: Connection) -> dict[str, list[tuple[str, Cube]]]:
    margins: dict[str, list[tuple[str, Cube]]] = defaultdict(list)
    for key, subject, dimensions in connection.execute(select(StatisticsMargin.key, StatisticsMargin.subject,
                                                              StatisticsMargin.dimensions)):
        margins[subject].append((key, tuple(json.loads(dimensions))))
    return margins


def _ids(obj, *names: str) -> set[int]:
    """Current and previous values of some id attributes of a changed object (see ``_values``)."""
    state, found = inspect(obj), set()
    for name in names:
        if name == "id" and state.identity:
            found.update(state.identity)  # an expired object's key is known without loading it
        else:
            found |= _values(obj, name)
    return found - {None}


def _people(connection: Connection, changed: Iterable) -> dict[str, set[int]]:
    """The people whose counts a set of changed objects may move: targets (or -incident) and relatives.

    A listed group brings its named members (counted through its rows); a changed person, the
    incidents against them (their target types); a changed member link, the group and the member.
    """
    incidents, targets, relatives, reports, places, groups = set(), set(), set(), set(), set(), set()
    for obj in changed:
        if isinstance(obj, PersonRelationship):
            if MEMBER in _values(obj, "relationship_type"):
                groups |= _ids(obj, "person_id")
                targets |= _ids(obj, "person_id", "related_person_id")
            continue
        if isinstance(obj, Incident):
            incidents |= _ids(obj, "id")
        elif isinstance(obj, (IncidentCode, IncidentReport)):
            incidents |= _ids(obj, "incident_id")
        elif isinstance(obj, Involvement):
            incidents |= _ids(obj, "incident_id")
            targets |= _ids(obj, "person_id")
        elif isinstance(obj, RelativeStatus):
            relatives |= _ids(obj, "person_id")
        elif isinstance(obj, Report):
            reports |= _ids(obj, "id")
        elif isinstance(obj, Location):
            places |= _ids(obj, "id")
        elif isinstance(obj, Person):
            groups |= _ids(obj, "id")
    if groups:
        # A person merged or unmerged leaves or rejoins the named members of their groups, whose
        # numbers count only members not merged (``casework.groups.group_numbers``).
        targets |= groups | _groups_of(connection, groups)
        # The relatives of incidents against a changed person move with the person's target types.
        incidents |= set(connection.execute(select(Involvement.incident_id).where(
            Involvement.person_id.in_(groups), Involvement.role == "target")).scalars())
    relatives |= targets
    if reports:
        incidents |= set(connection.execute(select(IncidentReport.incident_id)
                                            .where(IncidentReport.report_id.in_(reports))).scalars())
    if places:
        incidents |= set(connection.execute(select(Incident.id).where(Incident.location_id.in_(places))).scalars())
    if incidents:
        targets |= set(connection.execute(select(Involvement.person_id).where(
            Involvement.incident_id.in_(incidents), Involvement.role == "target")).scalars())
        targets |= {-incident for incident in incidents}
        relatives |= set(connection.execute(select(RelativeStatus.person_id)
                                            .where(RelativeStatus.incident_id.in_(incidents))).scalars())
    relatives = {person for person in relatives if person > 0}
    # A listed group's named members are counted through its rows: they move with it.
    members: dict[int, set[int]] = defaultdict(set)
    listed = sorted(person for person in targets | relatives if person > 0)
    if listed:
        for group, member in connection.execute(select(PersonRelationship.person_id,
                                                       PersonRelationship.related_person_id).where(
                PersonRelationship.person_id.in_(listed), PersonRelationship.relationship_type == MEMBER)):
            members[group].add(member)
    targets |= set().union(*(members[person] for person in targets if person in members))
    relatives |= set().union(*(members[person] for person in relatives if person in members))
    return {"incidents": targets, "relatives": relatives}


def _values(obj, name: str) -> set:
    """Current and previous values of one attribute of a changed object.

    An object read before the last commit is expired: its attributes have no history until
    loaded, so before the flush they are loaded (a person edited that way used to be missed).
    """
    state = inspect(obj)
    loaded = {getattr(obj, name)} if name in state.unloaded and state.persistent else set()
    history = state.attrs[name].history
    return loaded | {*history.added, *history.unchanged, *history.deleted}


def _groups_of(connection: Connection, people: Iterable[int]) -> set[int]:
    """The groups these people are named members of (their rows as members come through the group)."""
    ids = sorted(person for person in people if person > 0)
    if not ids:
        return set()
    return set(connection.execute(select(PersonRelationship.person_id).where(
        PersonRelationship.related_person_id.in_(ids), PersonRelationship.relationship_type == MEMBER)).scalars())


def _memberships(connection: Connection, margins: dict[str, list[tuple[str, Cube]]],
                 people: dict[str, set[int]]) -> Memberships:
    """What each listed person adds to which cells, in every registered margin, as the database stands.

    A person adds one to each cell they fall in; a listed group, as ("group", id), adds what it
    counts beyond its named members to the cell and its whole number to the cell's ``IN_GROUPS``
    entry (the same as ``tables.count_cubes``).
    """
    from .tables import IN_GROUPS

    found: Memberships = {}
    for subject, registered in margins.items():
        chosen = people.get(subject) or set()
        if not chosen:
            continue
        names = tuple(sorted({name for _key, margin in registered for name in margin}))
        statement, needs = _rows_of_people(subject, names, current_app.config.get("ANALYTICS_PLACE_LEVEL", "country"))
        by_margin = [(key, [names.index(name) for name in margin],
                      sorted(set().union(*(needs[name] for name in margin)))) for key, margin in registered]
        members: dict[str, dict[object, set[Key]]] = {key: defaultdict(set) for key, _margin in registered}
        # A member's rows through a group come with the group's incidents or statuses.
        reached = {p for p in chosen if p > 0} | _groups_of(connection, chosen)
        parameters = {"people": sorted(reached), "persons": sorted(reached),
                      "incidents": sorted(-p for p in chosen if p < 0)}
        for row in connection.execute(statement, parameters).mappings():
            person, group = row["subject"], row["counted_group"]
            counted: list[object] = [person] if person in chosen else []
            if group is not None and group in chosen:
                counted.append(("group", group))
            if not counted:
                continue  # another target of the same incident: unchanged
            for key, positions, vocabularies in by_margin:
                if all(row[f"has_{vocabulary}"] == 1 for vocabulary in vocabularies):
                    cell = tuple(str(row[f"d{index}"]) for index in positions)
                    for who in counted:
                        members[key][who].add(cell)
        numbers = group_numbers(connection, {who[1] for cells in members.values() for who in cells
                                             if isinstance(who, tuple)})
        for key, cells in members.items():
            weighted: dict[object, dict[Key, int]] = {}
            for who, inside in cells.items():
                if isinstance(who, tuple):
                    number = numbers[who[1]]
                    weighted[who] = {**{cell: number.unnamed for cell in inside},
                                     **{cell + (IN_GROUPS,): number.people for cell in inside}}
                else:
                    weighted[who] = dict.fromkeys(inside, 1)
            found[key, subject] = weighted
    return found


@lru_cache(maxsize=64)
def _rows_of_people(subject: str, names: tuple[str, ...], _place_level: str):
    """The counted rows of some people only, built once per set of dimensions (the ids are bound).

    Building the statement (two dozen CASE branches per coded dimension) cost more than running
    it, and it runs on every flush that touches statistics; the place level is part of the key
    because the place dimension depends on it.
    """
    from .statistics import counted_incident_each
    from .tables import counted_rows

    rows, needs = counted_rows(subject, names, counted_incident_each())
    if subject == "relatives":
        return rows.where(RelativeStatus.person_id.in_(bindparam("people", expanding=True))), needs
    targeted = select(Involvement.incident_id).where(
        Involvement.role == "target", Involvement.person_id.in_(bindparam("persons", expanding=True)))
    return rows.where(or_(Incident.id.in_(targeted), Incident.id.in_(bindparam("incidents", expanding=True)))), needs


def _apply(connection: Connection, old: Memberships, new: Memberships) -> None:
    """Move each registered cell by the people who entered it minus those who left, in key order."""
    moves: dict[tuple[str, Key], int] = defaultdict(int)
    for margin in set(old) | set(new):
        before, after = old.get(margin, {}), new.get(margin, {})
        for person in set(before) | set(after):
            for cell, added in after.get(person, {}).items():
                moves[margin[0], cell] += added
            for cell, taken in before.get(person, {}).items():
                moves[margin[0], cell] -= taken
    for (key, cell), change in sorted(moves.items()):
        if not change:
            continue
        text = json.dumps(list(cell))
        where = (StatisticsCell.margin_key == key, StatisticsCell.cell == text)
        if connection.execute(update(StatisticsCell).where(*where)
                              .values(people=StatisticsCell.people + change)).rowcount == 0:
            connection.execute(insert(StatisticsCell).values(margin_key=key, cell=text, people=change))


def recount_registered(session: Session) -> int:
    """Count every registered margin afresh and replace its cells (``flask analytics refresh``)."""
    from .tables import count_cubes

    margins = _registered(session.connection())
    for subject, registered in margins.items():
        for _key, margin in registered:
            register(session, subject, count_cubes(session, subject, margin, [margin]), replace=True)
    return sum(len(registered) for registered in margins.values())
