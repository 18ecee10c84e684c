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
from ..analytics.statistics import Filters, UnknownDimension, incident_table, relative_table
from ..db import get_session
from . import bp
from .tokens import token_required


def _error(status: int, code: str, message: str):
    return jsonify(error=code, message=message), status


def _by() -> list[str]:
    return [name.strip() for name in request.args.get("by", "").split(",") if name.strip()]


@bp.get("/stats/incidents")
@token_required(*ANALYTICS_ROLES)
def get_incident_stats():
    """People targeted, broken down by up to three incident dimensions."""
    session = get_session()
    filters = Filters.from_args(request.args)
    try:
        table = incident_table(session, _by(), filters)
    except UnknownDimension as error:
        return _error(400, "unknown_dimension", f"Unknown or missing dimension: {error}")
    record_export(session, "stats.incidents", "api", {"by": _by(), **filters.as_dict()}, user_id=g.api_user.id)
    return jsonify(table_document(table))


@bp.get("/stats/relatives")
@token_required(*ANALYTICS_ROLES)
def get_relative_stats():
    """Relatives at home by status, optionally one status group or in retaliation only."""
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
    record_export(session, "stats.relatives", "api", {"by": _by(), "group": group, **filters.as_dict()},
                  user_id=g.api_user.id)
    return jsonify(table_document(table))


def _query(name: str, description: str, values: list[str] | None = None, required: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if values:
        schema["enum"] = sorted(values)
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


FILTER_PARAMETERS = [
    _query("period_from", "First month, YYYY-MM"), _query("period_to", "Last month, YYYY-MM"),
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
            "400": {"description": "Unknown dimension or group",
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
