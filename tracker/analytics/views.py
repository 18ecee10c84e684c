"""The analyst's pages: the dashboard, its exports and the dataset's codebook.

Every number shown or exported here comes from a ``ReleasedTable`` (tracker.analytics.disclosure);
no view reads a personal field, so nothing here can show a name, narrative, contact, exact
place or evidence (DESIGN §1: analysts see aggregates only).
"""
from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, render_template, request, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import taxonomy
from ..countries import country_names
from ..db import get_session
from flask_babel import get_locale
from ..staff.auth import role_required
from . import ANALYTICS_ROLES, bp
from .charts import bar_chart, time_chart
from .dashboard import MAX_FILTERS, dashboard_tables
from .dataset import codebook, deidentified_rows
from .dimensions import INCIDENT_DIMENSIONS
from .exports import MEDIA_TYPES, cell_labels, dataset_chunks, record_export, table_chunks
from .statistics import Filters, TooFine, UnknownDimension
from .tables import incident_table, relative_table
from .worldmap import country_shapes, frame

def _section(name: str, table, title: Any, subject: str, group: str | None = None,
             retaliation: bool = False) -> dict[str, Any]:
    """One dashboard section: its chart, its table and its export links."""
    links = {fmt: url_for("analytics.export_stats", fmt=fmt, by=name, of=subject, group=group or None,
                          retaliation="1" if retaliation else None, **_filter_args())
             for fmt in MEDIA_TYPES}
    return {"id": f"{subject}-{name}{'-' + group if group else ''}", "title": title, "table": table,
            "chart": bar_chart(table, limit=None if name == "status" else 15), "exports": links}


def _filter_args() -> dict[str, str]:
    return Filters.from_args(request.args).as_dict()


@bp.get("/")
@role_required(*ANALYTICS_ROLES)
def dashboard():
    """Totals, trend, breakdowns, relatives' fate and the map, for the chosen filters."""
    filters = Filters.from_args(request.args)
    period = "month" if request.args.get("trend") == "month" else "year"
    too_many_filters = len(filters.as_dict()) > MAX_FILTERS
    tables = dashboard_tables(get_session(), Filters() if too_many_filters else filters, period)
    sections = [_section(name, table, INCIDENT_DIMENSIONS[name].label, "incidents")
                for name, table in tables.breakdowns.items()]
    relative_sections = [
        _section("status", tables.relatives, _l("Relatives at home, by what happened to them"), "relatives"),
        _section("status", tables.retaliation, _l("Relatives detained in retaliation"), "relatives",
                 group="detention", retaliation=True),
    ]
    trend, hosts = tables.trend, tables.breakdowns["host_country"]
    return render_template(
        "analytics/dashboard.html", filters=filters, trend=trend, trend_chart=time_chart(trend), period=period,
        sections=sections, relative_sections=relative_sections, relatives=tables.relatives,
        detained=tables.detained, retaliation=tables.retaliation, counted_at=tables.counted_at,
        map_shapes=country_shapes(hosts), map_frame=frame(), hosts=hosts,
        choices=_filter_choices(), too_many_filters=too_many_filters, max_filters=MAX_FILTERS,
        trend_exports={fmt: url_for("analytics.export_stats", fmt=fmt, by=period, **_filter_args())
                       for fmt in MEDIA_TYPES},
        dataset_exports={fmt: url_for("analytics.export_incidents", fmt=fmt, **_filter_args())
                         for fmt in MEDIA_TYPES},
    )


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Options of the filter form's select boxes, translated now."""
    countries = list(country_names(str(get_locale())).items())
    return {"community": taxonomy.choices("community"), "origin_country": countries,
            "host_country": countries, "verification": taxonomy.choices("verification")}


def _download(chunks, fmt: str, filename: str) -> Response:
    """A streamed attachment; the generator keeps the request's app context while it runs."""
    response = Response(stream_with_context(chunks), mimetype=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export/stats.<fmt>")
@role_required(*ANALYTICS_ROLES)
def export_stats(fmt: str):
    """One table of counts, as the dashboard shows it, in CSV, JSON or XLSX (audited)."""
    if fmt not in MEDIA_TYPES:
        abort(404)
    session = get_session()
    names = [name for name in request.args.get("by", "").split(",") if name]
    subject = "relatives" if request.args.get("of") == "relatives" else "incidents"
    filters = Filters.from_args(request.args)
    group = request.args.get("group") if request.args.get("group") in taxonomy.RELATIVE_STATUS_GROUPS else None
    try:
        if subject == "relatives":
            table = relative_table(session, names, filters, group=group,
                                   retaliation_only=request.args.get("retaliation") == "1")
        else:
            table = incident_table(session, names, filters)
    except (UnknownDimension, TooFine):
        abort(400)
    record_export(session, f"stats.{subject}", fmt, {"by": names, "group": group, **filters.as_dict()},
                  user_id=current_user.id)
    return _download(table_chunks(table, fmt), fmt, "statistics-" + "-".join(names))


@bp.get("/export/incidents.<fmt>")
@role_required(*ANALYTICS_ROLES)
def export_incidents(fmt: str):
    """The de-identified incident-level dataset, streamed (audited before the first byte)."""
    if fmt not in MEDIA_TYPES:
        abort(404)
    session = get_session()
    filters = Filters.from_args(request.args)
    record_export(session, "dataset.incidents", fmt, filters.as_dict(), user_id=current_user.id)
    return _download(dataset_chunks(deidentified_rows(session, filters), fmt, codebook()), fmt, "incidents")


@bp.get("/codebook.json")
@role_required(*ANALYTICS_ROLES)
def dataset_codebook():
    """The de-identified dataset's codebook."""
    return jsonify(codebook())



@bp.context_processor
def chart_helpers() -> dict[str, Any]:
    """Template helpers of the analytics pages only."""
    return {"cell_labels": cell_labels}
