"""The triage queue page."""
from __future__ import annotations

from datetime import date

from flask import render_template, request
from werkzeug.datastructures import MultiDict

from ... import taxonomy
from ...countries import is_country
from ...db import get_session
from ...audit import record
from ..messages import unread_from_reporters
from ..queue import OPEN, SORTS, QueueFilters, queue_page
from . import bp, caseworker_only, user_id

FILTER_ARGS = ("status", "community", "tactic", "origin_country", "host_country", "submitted_from",
               "submitted_to", "urgent", "mine", "relative_detained", "q", "words", "sort")


def filters_from(args: MultiDict) -> QueueFilters:
    """Read the queue's filters from the query string, ignoring values that are not codes."""
    def code(name: str, vocabulary: str) -> str | None:
        value = args.get(name, "")
        return value if taxonomy.is_code(vocabulary, value) else None

    def country(name: str) -> str | None:
        value = args.get(name, "").upper()
        return value if is_country(value) else None

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    status = args.get("status", OPEN)
    return QueueFilters(
        status=status if status == OPEN or taxonomy.is_code("report_status", status) else OPEN,
        community=code("community", "community"), tactic=code("tactic", "tactic"),
        origin_country=country("origin_country"), host_country=country("host_country"),
        submitted_from=day("submitted_from"), submitted_to=day("submitted_to"),
        urgent=bool(args.get("urgent")), assigned_to_id=user_id() if args.get("mine") else None,
        relative_detained=bool(args.get("relative_detained")),
        query=args.get("q", "").strip()[:200] or None, words=args.get("words", "").strip()[:200] or None,
        sort=args.get("sort") if args.get("sort") in SORTS else "newest",
    )


@bp.get("/")
@caseworker_only
def queue():
    """Reports waiting for triage, filtered, sorted and paged by cursor."""
    session = get_session()
    filters = filters_from(request.args)
    # The search text may be a name: the log says that a search happened, never what it was.
    # Committed before the query, so the page's rows are not expired and reloaded one by one.
    record(session, "queue.view", user_id=user_id(), object_type="queue",
           detail={"searched": bool(filters.query or filters.words)})
    session.commit()
    page = queue_page(session, filters, request.args.get("after"))
    kept = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    return render_template("casework/queue.html", page=page, filters=filters, kept=kept,
                           unread=unread_from_reporters(session, [r.id for r in page.reports]))
