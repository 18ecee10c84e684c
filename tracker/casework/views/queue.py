"""The triage queue page, its search (POSTed and kept server-side) and bulk actions."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from ... import taxonomy
from ...countries import is_country
from ...db import get_session
from ...audit import record
from ..bulk import ACTIONS, apply_bulk
from ..errors import CaseworkError
from ..messages import unread_from_reporters
from ..queue import OPEN, SORTS, QueueFilters, queue_page
from ..searches import save_search, saved_search
from . import bp, caseworker_only, explain, int_arg, user_id
from .reports import caseworkers

# Everything but the search terms, which travel only as a saved search's id (see searches.py).
FILTER_ARGS = ("status", "community", "tactic", "origin_country", "host_country", "submitted_from",
               "submitted_to", "urgent", "mine", "relative_detained", "sort", "search")
REFUSALS_SHOWN = 10


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
    search_id = args.get("search", "")
    search = saved_search(get_session(), user_id(), int(search_id) if search_id.isdigit() else None)
    return QueueFilters(
        status=status if status == OPEN or taxonomy.is_code("report_status", status) else OPEN,
        community=code("community", "community"), tactic=code("tactic", "tactic"),
        origin_country=country("origin_country"), host_country=country("host_country"),
        submitted_from=day("submitted_from"), submitted_to=day("submitted_to"),
        urgent=bool(args.get("urgent")), assigned_to_id=user_id() if args.get("mine") else None,
        relative_detained=bool(args.get("relative_detained")),
        query=search.query if search else None, words=search.words if search else None,
        sort=args.get("sort") if args.get("sort") in SORTS else "newest",
    )


def kept_filters(values: MultiDict) -> dict[str, str]:
    """The filters to carry into the next page's link or back after a POST."""
    return {name: values[name] for name in FILTER_ARGS if values.get(name)}


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
    page = queue_page(session, filters, request.args.get("after"), opened=False)  # the table shows nothing sealed
    return render_template("casework/queue.html", page=page, filters=filters, kept=kept_filters(request.args),
                           actions=ACTIONS, caseworkers=caseworkers(),
                           unread=unread_from_reporters(session, [r.id for r in page.reports]))


@bp.post("/search")
@caseworker_only
def queue_search():
    """Keep the search terms server-side and show the queue by the saved search's id."""
    session = get_session()
    search = save_search(session, user_id(), request.form.get("q"), request.form.get("words"))
    session.commit()
    kept = {**kept_filters(request.form), "search": str(search.id) if search else ""}
    return redirect(url_for("casework.queue", **{k: v for k, v in kept.items() if v}), code=303)


@bp.post("/bulk")
@caseworker_only
def queue_bulk():
    """Apply one action to every ticked report; refused ones are listed with the reason."""
    session = get_session()
    ids = [int(value) for value in request.form.getlist("report_id") if value.isdigit()]
    back = url_for("casework.queue", **kept_filters(request.form))
    if not ids:
        flash(_("Tick at least one report."), "error")
        return redirect(back, code=303)
    try:
        result = apply_bulk(session, request.form.get("action", ""), ids, user_id=user_id(),
                            assigned_to_id=int_arg("assigned_to_id"), reason=request.form.get("reason"))
    except (ValidationError, CaseworkError) as error:
        explain(error)
        return redirect(back, code=303)
    session.commit()
    if result.applied:
        flash(ngettext("%(num)d report changed.", "%(num)d reports changed.", len(result.applied)), "success")
    refused = list(result.refused.items())
    for report_id, reason in refused[:REFUSALS_SHOWN]:
        flash(_("Report %(id)s was left as it was: %(reason)s", id=report_id, reason=reason), "error")
    if len(refused) > REFUSALS_SHOWN:  # the flash list lives in the session cookie: keep it short
        flash(_("%(num)d more reports were left as they were.", num=len(refused) - REFUSALS_SHOWN), "error")
    return redirect(back, code=303)
