"""Reporter pages."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("intake", __name__)


@bp.get("/")
def home():
    """The landing page: what this service is, and the ways to report or follow up."""
    return render_template("intake/home.html")
