"""The triage queue: filtered, sorted, keyset-paginated reports, and search over them.

The queue walks the index ``ix_report_queue(status, submitted_at, id)`` from a cursor (the last
row's time and id), so a page costs the same at a thousand or a million reports: no OFFSET and
no COUNT over the table (DESIGN performance goal; see benchmarks/bench_casework.py).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, time, UTC

from sqlalchemy import String, cast, exists, func, or_, select as sa_select, tuple_
from sqlmodel import Session, select

from ..models import Incident, IncidentReport, Involvement, Location, Report, ReportCode, ReportedRelative
from .cases import case_by_reference
from .places import place_ids_named
from .people import person_ids_matching, survivor_ids
from .need_to_know import community_clause
from .queries import detention_statuses

PAGE_SIZE = 50
# Narrative words are sealed, so they are searched by opening narratives in queue order, at most
# this many per request; the page then offers to continue from where the scan stopped.
NARRATIVE_SCAN_LIMIT = 2_000
SCAN_CHUNK = 200
OPEN = "open"  # new and in_triage together
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


def filtered(session: Session, filters: QueueFilters):
    """The queue's SELECT with every filter applied, not yet ordered or paginated."""
    statement = select(Report)
    statuses = ("new", "in_triage") if filters.status == OPEN else (filters.status,)
    statement = statement.where(Report.status.in_(statuses))
    for column, value in ((Report.community, filters.community), (Report.origin_country, filters.origin_country),
                          (Report.host_country, filters.host_country),
                          (Report.assigned_to_id, filters.assigned_to_id)):
        if value is not None:
            statement = statement.where(column == value)
    if filters.urgent:
        statement = statement.where(Report.urgent_risk.is_(True))
    if filters.submitted_from:
        statement = statement.where(Report.submitted_at >= datetime.combine(filters.submitted_from, time.min, UTC))
    if filters.submitted_to:
        statement = statement.where(Report.submitted_at <= datetime.combine(filters.submitted_to, time.max, UTC))
    if filters.tactic:
        statement = statement.where(exists().where(
            ReportCode.report_id == Report.id, ReportCode.vocabulary == "tactic", ReportCode.code == filters.tactic))
    if filters.relative_detained:
        # The reporter's own account of their relatives, a JSON list; status codes are unique words.
        said = cast(ReportedRelative.statuses, String)
        statement = statement.where(exists().where(
            ReportedRelative.report_id == Report.id, or_(*[said.like(f'%"{c}"%') for c in detention_statuses()])))
    if filters.query:
        statement = statement.where(or_(Report.id.in_(search_report_ids(session, filters.query)),
                                        at_place(filters.query)))
    need_to_know = community_clause(Report.community)
    if need_to_know is not None:
        statement = statement.where(need_to_know)
    return statement


def _ordered(statement, filters: QueueFilters, cursor: tuple[datetime, int] | None):
    """Order along the queue index and start after the cursor."""
    key = tuple_(Report.submitted_at, Report.id)
    if filters.sort == "oldest":
        statement = statement.order_by(Report.submitted_at, Report.id)
        return statement.where(key > tuple_(*cursor)) if cursor else statement
    statement = statement.order_by(Report.submitted_at.desc(), Report.id.desc())
    return statement.where(key < tuple_(*cursor)) if cursor else statement


def queue_page(session: Session, filters: QueueFilters, cursor: str | None = None, *,
               page_size: int | None = None) -> QueuePage:
    """One page of the queue after ``cursor``; with ``words``, a bounded scan of narratives."""
    page_size = page_size or PAGE_SIZE
    position = decode_cursor(cursor)
    if filters.words:
        return _scan_narratives(session, filters, position, page_size)
    rows = list(session.exec(_ordered(filtered(session, filters), filters, position).limit(page_size + 1)).all())
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

def search_report_ids(session: Session, query: str):
    """Ids of reports behind a case reference or a person's name (any script): a handful of rows."""
    case = case_by_reference(session, query)
    if case is not None:
        incidents = select(Incident.id).where(Incident.case_id == case.id)
        return sa_select(IncidentReport.report_id).where(IncidentReport.incident_id.in_(incidents))
    person_ids = survivor_ids(session, person_ids_matching(session, query))
    return sa_select(IncidentReport.report_id).join(
        Involvement, Involvement.incident_id == IncidentReport.incident_id
    ).where(Involvement.person_id.in_(person_ids or {-1}))


def at_place(query: str):
    """A condition on the queue's current row: the report, or an incident from it, is at this place.

    A place can hold a large share of all reports, so its matches are never collected up front
    (that was a scan of every report and incident). The queue walks its own index in order and
    checks each row through primary keys: report -> location, and report -> incident_report ->
    incident -> location. The cost per row is constant, so a page costs the same at a thousand or
    a million reports. The place matches by gazetteer id, so any name the gazetteer knows for it
    (Kashgar, Kashi, 喀什) finds it, or by its stored display name (places set by hand).
    """
    ids = place_ids_named(query)
    name = func.lower(query.strip())

    def here(location_id):
        located = select(Location.id).where(Location.id == location_id)
        named = func.lower(Location.name) == name
        return exists(located.where(or_(Location.gazetteer_id.in_(ids), named) if ids else named))

    via_incident = exists(sa_select(IncidentReport.incident_id)
                          .join(Incident, Incident.id == IncidentReport.incident_id)
                          .where(IncidentReport.report_id == Report.id, here(Incident.location_id)))
    return or_(here(Report.location_id), via_incident)
