"""Geocoding through geopy: an offline GeoNames gazetteer by default, self-hosted services by setting.

The rest of the app uses only what this module exports (DESIGN §5).
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

# Where each exported name lives. They are imported on first use (PEP 562), so a process that
# only geocodes (a benchmark, a batch job) loads the gazetteer without Flask, SQLAlchemy and the
# models, which ``locations`` and ``cli`` need: the offline geocoder starts in well under 2 s.
_EXPORTS = {
    "ATTRIBUTION": "attribution", "LICENCE_URL": "attribution", "geocode_cli": "cli", "coarsen": "coarsen",
    "parse_setting": "factory", "apply_match": "locations", "correct_by_hand": "locations",
    "geocode_location": "locations", "PRECISIONS": "match", "PlaceMatch": "match", "OfflineGeocoder": "offline",
    "EXTENSION": "resolve", "get_geocoder": "resolve", "get_offline_geocoder": "resolve",
    "resolve_place": "resolve", "warm_up": "resolve",
}


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "ATTRIBUTION", "LICENCE_URL", "PRECISIONS", "OfflineGeocoder", "PlaceMatch", "apply_match",
    "coarsen", "correct_by_hand", "geocode_location", "get_geocoder", "get_offline_geocoder",
    "init_app", "resolve_place", "warm_up",
]


def init_app(app: Flask) -> None:
    """Register ``flask geocode`` and check GEOCODER now; the geocoder is built on first use."""
    # A bad or public GEOCODER setting stops the app at start, not at a victim's first report.
    from ..cli import add_command_path
    from .attribution import ATTRIBUTION
    from .factory import parse_setting
    from .resolve import EXTENSION

    parse_setting(app.config.get("GEOCODER", "offline"))
    app.extensions.setdefault(EXTENSION, None)
    add_command_path(app, "geocode", "tracker.geo.cli:geocode_cli")
    # GeoNames is CC BY 4.0: pages that show geocoded places carry this line.
    app.jinja_env.globals.setdefault("geonames_attribution", ATTRIBUTION)
