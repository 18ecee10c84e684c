"""The triage queue: filtered, sorted, keyset-paginated reports, and search over them.

The queue walks the index ``ix_report_queue(status, submitted_at, id)`` from a cursor (the last
row's time and id), so a page costs the same at a thousand or a million reports: no OFFSET and
no COUNT over the table (DESIGN performance goal; see benchmarks/bench_casework.py).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, time, UTC

from sqlalchemy import (
    String, and_, cast, exists, false, func, or_, select as sa_select, true, tuple_, union, union_all,
)
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from ..models import Incident, IncidentReport, Involvement, Location, Person, Report, ReportCode, ReportedRelative
from ..models.reports import tactic_key
from ..models.types import SEALED_TYPES
from .cases import case_by_reference
from .names import holds_name
from .places import place_ids_named
from .people import person_ids_matching, survivor_ids
from .need_to_know import community_clause
from .queries import detention_statuses

PAGE_SIZE = 50
# Narrative words are sealed, so they are searched by opening narratives in queue order, at most
# this many per request; the page then offers to continue from where the scan stopped.
NARRATIVE_SCAN_LIMIT = 2_000
SCAN_CHUNK = 200
# A search collects the reports of at most this many people, or of this many locations, up
# front; a name or place held more widely is matched as the queue walks (matching_query).
PEOPLE_COLLECT_LIMIT = 1_000
PLACE_COLLECT_LIMIT = 1_000
OPEN = "open"  # new and in_triage together
# Loader options that leave a report's sealed values in the database (queue_page(opened=False)).
LEAVE_SEALED = tuple(defer(getattr(Report, column.name)) for column in Report.__table__.columns
                     if isinstance(column.type, SEALED_TYPES))
SORTS = ("newest", "oldest")


@dataclass
class QueueFilters:
    """What the caseworker asked the queue for; every field is optional."""

    status: str = OPEN
    community: str | None = None
    tactic: str | None = None
    origin_country: str | None = None
    host_country: str | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    urgent: bool = False
    assigned_to_id: int | None = None
    relative_detained: bool = False
    query: str | None = None
    words: str | None = None
    sort: str = "newest"


@dataclass
class QueuePage:
    """One page of the queue and the cursor of the next one (None at the end)."""

    reports: list[Report]
    next_cursor: str | None
    scan_stopped: bool = False


def encode_cursor(report: Report) -> str:
    """An opaque cursor from the last row of a page: its submission time and id."""
    return base64.urlsafe_b64encode(f"{report.submitted_at.isoformat()}|{report.id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) of a cursor, or None if it is missing or malformed."""
    if not cursor:
        return None
    try:
        at, report_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(at), int(report_id)
    except (ValueError, UnicodeDecodeError):
        return None


def statuses_of(filters: QueueFilters) -> tuple[str, ...]:
    """The report statuses the queue shows: "open" is new and in triage together."""
    return ("new", "in_triage") if filters.status == OPEN else (filters.status,)


def filtered(session: Session, filters: QueueFilters):
    """The queue's SELECT with every filter applied, not yet ordered or paginated."""
    return select(Report).where(Report.status.in_(statuses_of(filters)), *conditions(session, filters))


def conditions(session: Session, filters: QueueFilters) -> list:
    """Every filter but the status, as WHERE conditions (the search box's lookups run here, once)."""
    where = [column == value for column, value in (
        (Report.community, filters.community), (Report.origin_country, filters.origin_country),
        (Report.host_country, filters.host_country), (Report.assigned_to_id, filters.assigned_to_id))
        if value is not None]
    if filters.urgent:
        # "= 1" (SQLite) / "= true", as the urgent walks' partial indexes are defined: SQLite
        # uses a partial index only for a condition written as its own (IS 1 would not do).
        where.append(Report.urgent_risk == true())
    if filters.submitted_from:
        where.append(Report.submitted_at >= datetime.combine(filters.submitted_from, time.min, UTC))
    if filters.submitted_to:
        where.append(Report.submitted_at <= datetime.combine(filters.submitted_to, time.max, UTC))
    if filters.tactic:
        # Report.tactics, which the walks carry; a report whose tactics were never worked out
        # (None) has its codes looked up instead.
        where.append(or_(Report.tactics.contains(tactic_key([filters.tactic]), autoescape=True),
                         and_(Report.tactics.is_(None), exists().where(
                             ReportCode.report_id == Report.id, ReportCode.vocabulary == "tactic",
                             ReportCode.code == filters.tactic))))
    if filters.relative_detained:
        # The reporter's own account of their relatives, a JSON list; status codes are unique words.
        said = cast(ReportedRelative.statuses, String)
        where.append(exists().where(
            ReportedRelative.report_id == Report.id, or_(*[said.like(f'%"{c}"%') for c in detention_statuses()])))
    if filters.query:
        where.append(matching_query(session, filters.query))
    need_to_know = community_clause(Report.community)
    if need_to_know is not None:
        where.append(need_to_know)
    return where


def _ordered(statement, filters: QueueFilters, cursor: tuple[datetime, int] | None):
    """Order along the queue index and start after the cursor."""
    key = tuple_(Report.submitted_at, Report.id)
    if filters.sort == "oldest":
        statement = statement.order_by(Report.submitted_at, Report.id)
        return statement.where(key > tuple_(*cursor)) if cursor else statement
    statement = statement.order_by(Report.submitted_at.desc(), Report.id.desc())
    return statement.where(key < tuple_(*cursor)) if cursor else statement


def queue_page(session: Session, filters: QueueFilters, cursor: str | None = None, *,
               page_size: int | None = None, opened: bool = True) -> QueuePage:
    """One page of the queue after ``cursor``; with ``words``, a bounded scan of narratives.

    With ``opened=False`` the reports' sealed values are left in the database: the queue's table
    shows none of them, and opening them (each read of a page) cost about a tenth of the page.
    """
    page_size = page_size or PAGE_SIZE
    position = decode_cursor(cursor)
    if filters.words:
        return _scan_narratives(session, filters, position, page_size)
    statuses = statuses_of(filters)
    if len(statuses) == 1:
        statement = filtered(session, filters)
    else:
        # One ordered walk of ix_report_queue per status, merged: over "status IN (...)" the
        # index gives no order, so SQLite sorted every open report (or went in through another
        # index, urgent or community, and sorted all of its rows). Each walk stops at a page.
        # The conditions are made once: a search's lookups are not repeated per walk.
        where = conditions(session, filters)
        walks = [_ordered(sa_select(Report.id).where(Report.status == status, *where), filters, position)
                 .limit(page_size + 1).subquery() for status in statuses]
        statement = select(Report).where(Report.id.in_(union_all(*(sa_select(walk.c.id) for walk in walks))))
    if not opened:
        statement = statement.options(*LEAVE_SEALED)
    rows = list(session.exec(_ordered(statement, filters, position).limit(page_size + 1)).all())
    more = len(rows) > page_size
    rows = rows[:page_size]
    return QueuePage(rows, encode_cursor(rows[-1]) if more and rows else None)


def _scan_narratives(session: Session, filters: QueueFilters, position, page_size: int) -> QueuePage:
    """Open narratives in queue order until a page of matches or the scan limit is reached."""
    words = [word.casefold() for word in (filters.words or "").split() if word]
    found: list[Report] = []
    scanned = 0
    last: Report | None = None
    base = filtered(session, filters)
    while scanned < NARRATIVE_SCAN_LIMIT:
        chunk = list(session.exec(_ordered(base, filters, position).limit(SCAN_CHUNK)).all())
        for report in chunk:
            scanned += 1
            last = report
            if all(word in (report.narrative or "").casefold() for word in words):
                found.append(report)
                if len(found) == page_size:
                    return QueuePage(found, encode_cursor(report))
        if len(chunk) < SCAN_CHUNK:
            return QueuePage(found, None)
        position = (chunk[-1].submitted_at, chunk[-1].id)
    return QueuePage(found, encode_cursor(last) if last else None, scan_stopped=True)

def matching_query(session: Session, query: str):
    """The condition for the queue's search box: a case reference, a person's name or a place.

    What the query names is found first through indexes (the case, the people, the locations)
    and the reports behind them are a handful of ids, so the queue reads only those. A name that
    more than PEOPLE_COLLECT_LIMIT people hold, or a place that more than PLACE_COLLECT_LIMIT
    locations carry (a city holding a large share of all reports), is matched row by row as the
    queue walks its own index instead, where its matches are dense: every match stays reachable
    page after page, and no page collects thousands of ids.
    """
    collected, walked = [], []
    case = case_by_reference(session, query)
    if case is not None:
        incidents = select(Incident.id).where(Incident.case_id == case.id)
        collected.append(sa_select(IncidentReport.report_id).where(IncidentReport.incident_id.in_(incidents)))
    else:
        people = person_ids_matching(session, query, limit=PEOPLE_COLLECT_LIMIT + 1)
        if len(people) > PEOPLE_COLLECT_LIMIT:
            walked.append(by_name(query))
        elif people:
            collected.append(reports_of(survivor_ids(session, people)))
    locations = location_ids_named(session, query)
    if locations is None:
        walked.append(at_place(query))
    elif locations:
        collected.extend(reports_at(locations))
    if collected:
        walked.append(Report.id.in_(union(*collected) if len(collected) > 1 else collected[0]))
    return or_(*walked) if walked else false()


def reports_of(person_ids: set[int]):
    """Ids of the reports behind the incidents these people are involved in."""
    return sa_select(IncidentReport.report_id).join(
        Involvement, Involvement.incident_id == IncidentReport.incident_id
    ).where(Involvement.person_id.in_(person_ids))


def by_name(query: str):
    """A condition on the queue's current row: someone involved in an incident drawn from this
    report holds the name, or someone merged into them did (one step of a merge chain: the
    dropped person's involvements moved to the kept one). Checked through primary keys, for a
    name too common to collect its people (matching_query)."""
    def holds(person_id):
        return holds_name(person_id, query)

    merged = exists(select(Person.id).where(Person.merged_into_id == Involvement.person_id, holds(Person.id)))
    return exists(sa_select(IncidentReport.report_id)
                  .join(Involvement, Involvement.incident_id == IncidentReport.incident_id)
                  .where(IncidentReport.report_id == Report.id, or_(holds(Involvement.person_id), merged)))


def _named(query: str):
    """A condition on Location: the place the gazetteer knows by this name (any script, by its
    gazetteer id, so Kashgar, Kashi and 喀什 are one place) or a hand-set place's display name."""
    ids = place_ids_named(query)
    named = func.lower(Location.name) == func.lower(query.strip())
    return or_(Location.gazetteer_id.in_(ids), named) if ids else named


def location_ids_named(session: Session, query: str) -> list[int] | None:
    """Ids of the locations that carry this name, or None when more than PLACE_COLLECT_LIMIT do.

    Both conditions of ``_named`` have an index (migration 0018), so a name that no place
    carries costs one probe, not a walk of the queue.
    """
    ids = list(session.exec(select(Location.id).where(_named(query)).limit(PLACE_COLLECT_LIMIT + 1)))
    return None if len(ids) > PLACE_COLLECT_LIMIT else ids


def reports_at(location_ids: list[int]):
    """Two SELECTs of report ids, through indexed pointers: the reports at these locations, and
    those cited by an incident at them (SQLite cannot nest a UNION, so the caller joins them)."""
    return (sa_select(Report.id).where(Report.location_id.in_(location_ids)),
            sa_select(IncidentReport.report_id).join(Incident, Incident.id == IncidentReport.incident_id)
            .where(Incident.location_id.in_(location_ids)))


def at_place(query: str):
    """A condition on the queue's current row: the report, or an incident from it, is at this place.

    Used only for a place that many locations carry: its matches are never collected up front
    (that would be a scan of every report and incident). The queue walks its own index in order
    and checks each row through primary keys: report -> location, and report -> incident_report
    -> incident -> location. The cost per row is constant and matches are dense, so a page costs
    the same at a thousand or a million reports.
    """
    named = _named(query)

    def here(location_id):
        return exists(select(Location.id).where(Location.id == location_id, named))

    via_incident = exists(sa_select(IncidentReport.incident_id)
                          .join(Incident, Incident.id == IncidentReport.incident_id)
                          .where(IncidentReport.report_id == Report.id, here(Incident.location_id)))
    return or_(here(Report.location_id), via_incident)
