"""Geocoding stored Location rows: on submission, in bulk, or set by a caseworker's choice."""
from __future__ import annotations

from datetime import datetime, UTC
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from tracker.models import Location

from .match import PlaceMatch
from .resolve import get_offline_geocoder, resolve_place

if TYPE_CHECKING:
    from geopy.geocoders.base import Geocoder  # only annotations: geopy is imported on first geocoding


def apply_match(location: Location, match: PlaceMatch | None, *, manual: bool = False) -> None:
    """Copy a match onto a Location (status geocoded, manual or failed); raw_text is untouched.

    ``manual`` records a caseworker's decision: confirming the match or choosing one of its
    alternatives. The geocoder that found the place is kept; the confidence becomes 1.
    """
    location.geocoded_at = datetime.now(UTC)
    if match is None:
        location.status = "failed"
        return
    location.name = match.name[:200]
    location.gazetteer_id = match.gazetteer_id[:64]
    location.country = match.country
    location.admin1 = match.admin1[:100] if match.admin1 else None
    location.lat, location.lon = match.lat, match.lon  # already rounded to the precision
    location.precision = match.precision
    location.geocoder = match.geocoder[:64]
    location.confidence = 1.0 if manual else match.confidence
    location.status = "manual" if manual else "geocoded"


def correct_by_hand(location: Location, lat: float, lon: float, precision: str,
                    name: str | None = None) -> PlaceMatch:
    """A caseworker's own point: country and division from the offline gazetteer, status manual."""
    nearest = get_offline_geocoder().reverse_match(lat, lon)
    match = PlaceMatch(
        name or (nearest.name if nearest else f"{lat:.3f}, {lon:.3f}"), lat, lon,
        nearest.country if nearest else None, nearest.admin1 if nearest else None,
        precision, 1.0, "manual", "manual",
    )
    apply_match(location, match, manual=True)
    return match


def geocode_location(location: Location, geocoder: Geocoder | None = None) -> PlaceMatch | None:
    """Geocode one Location from its sealed raw text and hint; returns the match (alternatives too)."""
    match = resolve_place(location.raw_text or "", location.country_hint, geocoder=geocoder)
    apply_match(location, match)
    return match


def pending_locations(session: Session) -> Iterator[Location]:
    """Every Location still waiting for the geocoder, oldest first."""
    query = select(Location).where(Location.status == "pending").order_by(Location.id)
    yield from session.exec(query).all()
