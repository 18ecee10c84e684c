"""Which geocoder answers: the app's configured one, or the offline default outside an app."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from flask import Flask, current_app, has_app_context

from .cache import DatabaseCache
from .factory import build_geocoder, parse_setting
from .match import PlaceMatch

if TYPE_CHECKING:
    from geopy.geocoders.base import Geocoder

    from .offline import OfflineGeocoder

# The geopy-based modules (offline, remote) are imported by the functions that build or read a
# geocoder: every page module imports this one, and geopy brings requests and urllib3 with
# it, which no command or page needs until it geocodes (issue 17: start-up).

EXTENSION = "tracker.geocoder"
_LOCK = threading.Lock()
_DEFAULT: OfflineGeocoder | None = None


def get_geocoder(app: Flask | None = None) -> Geocoder:
    """The app's configured geopy geocoder, built on first use; offline when there is no app."""
    if app is None and not has_app_context():
        return get_offline_geocoder()
    app = app or current_app._get_current_object()
    with _LOCK:
        geocoder = app.extensions.get(EXTENSION)
        if geocoder is None:
            setting = app.config.get("GEOCODER", "offline")
            _, url = parse_setting(setting)
            cache = DatabaseCache(setting) if url else None
            geocoder = build_geocoder(setting, float(app.config.get("GEOCODER_MIN_DELAY", 1.0)),
                                      offline=get_offline_geocoder(), cache=cache)
            app.extensions[EXTENSION] = geocoder
    return geocoder


def get_offline_geocoder() -> OfflineGeocoder:
    """One offline geocoder per process: the gazetteer is shared, not loaded per app."""
    global _DEFAULT
    if _DEFAULT is None:
        from .offline import OfflineGeocoder

        _DEFAULT = OfflineGeocoder()
    return _DEFAULT


def warm_up() -> int:
    """Load the gazetteer now (about a second), so the first report is not the one that waits."""
    return len(get_offline_geocoder().gazetteer.names)


def resolve_place(text: str, country_hint: str | None = None, *,
                  geocoder: Geocoder | None = None) -> PlaceMatch | None:
    """The best PlaceMatch for free text (alternatives included), or None."""
    geocoder = geocoder or get_geocoder()
    if not text or not text.strip():
        return None
    resolve = getattr(geocoder, "resolve", None)
    if resolve is not None:
        return resolve(text, country_hint)
    # Any other geopy geocoder: read its Locations the way the self-hosted path does.
    from .offline import best_with_alternatives
    from .remote import to_match

    found = geocoder.geocode(text, exactly_one=False) or []
    name = type(geocoder).__name__.lower()
    return best_with_alternatives([to_match(name, location) for location in found])
