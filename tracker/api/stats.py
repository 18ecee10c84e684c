"""The staff statistics API: the dashboard's aggregates as JSON, through disclosure control.

Only ``ReleasedTable`` documents leave here (tracker.analytics.disclosure), so an API client sees
exactly what the dashboard would show; each call is audited like an export.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from .. import taxonomy
from ..analytics import ANALYTICS_ROLES
from ..analytics.dimensions import INCIDENT_DIMENSIONS, RELATIVE_DIMENSIONS
from ..analytics.exports import TABLE_SCHEMA, record_export, table_document
from ..analytics.statistics import RETIRED_FILTERS, Filters, TooFine, UnknownDimension
from ..analytics.tables import MAX_CUBE_DIMENSIONS, incident_table, relative_table
from ..db import get_session
from . import bp
from .tokens import token_required


def _error(status: int, code: str, message: str):
    return jsonify(error=code, message=message), status


def _by() -> list[str]:
    return [name.strip() for name in request.args.get("by", "").split(",") if name.strip()]


def _refused_filters():
    """A 400 for filters that would let two releases be differenced, else None (issue 16).

    Periods are whole calendar years (``year``); a malformed year is refused rather than
    silently dropped, since the caller would otherwise take an unfiltered table for a filtered one.
    """
    retired = [name for name in RETIRED_FILTERS if name in request.args]
    if retired:
        return _error(400, "retired_filter", f"{', '.join(retired)} are not accepted: periods are released "
                      "as whole calendar years, use year=YYYY.")
    if request.args.get("year") and Filters.from_args(request.args).year is None:
        return _error(400, "bad_year", "year must be a calendar year, YYYY.")
    return None


def _too_fine(error: TooFine):
    return _error(400, "too_fine", f"Too many dimensions and filters together ({error}): at most "
                  f"{MAX_CUBE_DIMENSIONS}, counting the year a month brings and the category a tactic brings.")


@bp.get("/stats/incidents")
@token_required(*ANALYTICS_ROLES)
def get_incident_stats():
    """People targeted, broken down by up to three incident dimensions."""
    if (refused := _refused_filters()) is not None:
        return refused
    session = get_session()
    filters = Filters.from_args(request.args)
    try:
        table = incident_table(session, _by(), filters)
    except UnknownDimension as error:
        return _error(400, "unknown_dimension", f"Unknown or missing dimension: {error}")
    except TooFine as error:
        return _too_fine(error)
    record_export(session, "stats.incidents", "api", {"by": _by(), **filters.as_dict()}, user_id=g.api_user.id)
    return jsonify(table_document(table))


@bp.get("/stats/relatives")
@token_required(*ANALYTICS_ROLES)
def get_relative_stats():
    """Relatives at home by status, optionally one status group or in retaliation only."""
    if (refused := _refused_filters()) is not None:
        return refused
    session = get_session()
    filters = Filters.from_args(request.args)
    group = request.args.get("group")
    if group and group not in taxonomy.RELATIVE_STATUS_GROUPS:
        return _error(400, "unknown_group", "Unknown status group.")
    retaliation = request.args.get("retaliation") in ("1", "true")
    try:
        table = relative_table(session, _by(), filters, group=group, retaliation_only=retaliation)
    except UnknownDimension as error:
        return _error(400, "unknown_dimension", f"Unknown or missing dimension: {error}")
    except TooFine as error:
        return _too_fine(error)
    record_export(session, "stats.relatives", "api", {"by": _by(), "group": group, **filters.as_dict()},
                  user_id=g.api_user.id)
    return jsonify(table_document(table))


def _query(name: str, description: str, values: list[str] | None = None, required: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if values:
        schema["enum"] = sorted(values)
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


FILTER_PARAMETERS = [
    _query("year", "One whole calendar year, YYYY (periods are fixed bins: no ranges)"),
    _query("community", "Community code", sorted(taxonomy.codes("community"))),
    _query("origin_country", "ISO 3166-1 alpha-2 code of the origin state"),
    _query("host_country", "ISO 3166-1 alpha-2 code of the host country"),
    _query("verification", "Verification level", sorted(taxonomy.codes("verification"))),
]


def _operation(summary: str, operation_id: str, dimensions: list[str], extra: list[dict]) -> dict[str, Any]:
    by = _query("by", "Comma-separated dimensions: " + ", ".join(dimensions), required=True)
    return {"get": {
        "summary": summary, "operationId": operation_id, "security": [{"bearerToken": []}],
        "parameters": [by, *FILTER_PARAMETERS, *extra],
        "responses": {
            "200": {"description": "Counts of distinct people per cell; withheld cells have a null count",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatsTable"}}}},
            "400": {"description": "Unknown dimension or group, a malformed year, a retired period range, "
                                   "or more dimensions and filters than disclosure control allows together",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "401": {"description": "No valid token"},
            "403": {"description": "The token's owner is not an analyst or admin"},
        },
    }}


OPENAPI_SCHEMAS = {"StatsTable": TABLE_SCHEMA}
OPENAPI_PATHS = {
    "/stats/incidents": _operation("People targeted, by incident dimensions (disclosure-controlled)",
                                   "getIncidentStats", list(INCIDENT_DIMENSIONS), []),
    "/stats/relatives": _operation(
        "Relatives by status (disclosure-controlled)", "getRelativeStats", list(RELATIVE_DIMENSIONS),
        [_query("group", "Only statuses of this group", sorted(taxonomy.RELATIVE_STATUS_GROUPS)),
         _query("retaliation", "1 for statuses in retaliation (yes or likely) only", ["1"])]),
}
