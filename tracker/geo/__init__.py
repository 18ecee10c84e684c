"""Geocoding through geopy: an offline GeoNames gazetteer by default, self-hosted services by setting.

The rest of the app uses only what this module exports (DESIGN §5).
"""
from __future__ import annotations

from flask import Flask

from .attribution import ATTRIBUTION, LICENCE_URL
from .cli import geocode_cli
from .coarsen import coarsen
from .factory import parse_setting
from .locations import apply_match, correct_by_hand, geocode_location
from .match import PRECISIONS, PlaceMatch
from .offline import OfflineGeocoder
from .resolve import EXTENSION, get_geocoder, get_offline_geocoder, resolve_place, warm_up

__all__ = [
    "ATTRIBUTION", "LICENCE_URL", "PRECISIONS", "OfflineGeocoder", "PlaceMatch", "apply_match",
    "coarsen", "correct_by_hand", "geocode_location", "get_geocoder", "get_offline_geocoder",
    "init_app", "resolve_place", "warm_up",
]


def init_app(app: Flask) -> None:
    """Register ``flask geocode`` and check GEOCODER now; the geocoder is built on first use."""
    # A bad or public GEOCODER setting stops the app at start, not at a victim's first report.
    parse_setting(app.config.get("GEOCODER", "offline"))
    app.extensions.setdefault(EXTENSION, None)
    app.cli.add_command(geocode_cli)
    # GeoNames is CC BY 4.0: pages that show geocoded places carry this line.
    app.jinja_env.globals.setdefault("geonames_attribution", ATTRIBUTION)
