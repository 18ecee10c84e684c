"""Liveness: ``/healthz`` says whether the app can reach its database."""
from __future__ import annotations

from flask import Blueprint, jsonify

from .db import is_database_alive

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not; no detail an outsider could use."""
    if is_database_alive():
        return jsonify(status="ok")
    return jsonify(status="unavailable"), 503
