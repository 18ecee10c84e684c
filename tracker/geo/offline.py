"""The offline geocoder: a geopy Geocoder over the packaged gazetteer. It never opens a socket."""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from .gazetteer import Gazetteer, load_gazetteer
from .match import PlaceMatch
from .query import parse_query
from .ranking import place_match, rank
from .spatial import distance_km

# "Parkdale, Toronto" answered as "Toronto": right, but coarser than asked.
QUALIFIER_FALLBACK_FACTOR = 0.6
# Reverse confidence halves every this many km from the nearest gazetteer place.
REVERSE_HALF_KM = 10.0


def search(gazetteer: Gazetteer, text: str, country_hint: str | None = None) -> list[PlaceMatch]:
    """All matches for a query, best first; the first carries the rest as its alternatives."""
    parsed = parse_query(gazetteer, text)
    if parsed is None:
        return []
    matches = rank(gazetteer, parsed, _hint(country_hint))
    if matches or not parsed.qualifiers:
        return matches
    rest = ", ".join(q.text for q in parsed.qualifiers)
    coarse = [
        replace(m, confidence=m.confidence * QUALIFIER_FALLBACK_FACTOR, geocoder="offline:qualifier",
                alternatives=())
        for m in search(gazetteer, rest, country_hint)
    ]
    best = best_with_alternatives(coarse)
    return [best, *coarse[1:]] if best else []


def _hint(country_hint: str | None) -> str | None:
    """A country hint as an upper-case ISO code, or None."""
    return country_hint.strip().upper() if country_hint and country_hint.strip() else None


def best_with_alternatives(matches: list[PlaceMatch]) -> PlaceMatch | None:
    """The best match carrying the others as its alternatives."""
    if not matches:
        return None
    return replace(matches[0], alternatives=tuple(m.without_alternatives() for m in matches[1:]))


def to_location(match: PlaceMatch) -> Location:
    """A geopy Location whose raw is the PlaceMatch as a dict."""
    return Location(match.address, (match.lat, match.lon, 0.0), match.to_dict())


class OfflineGeocoder(Geocoder):
    """Forward and reverse geocoding from the packaged GeoNames gazetteer and alias table."""

    name = "offline"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        super().__init__()
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer, loaded on first use (never at import or app start)."""
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer()
        return self._gazetteer

    def resolve(self, text: str, country_hint: str | None = None) -> PlaceMatch | None:
        """The best match for free text, with alternatives when the text is ambiguous."""
        matches = search(self.gazetteer, text, country_hint)
        return matches[0] if matches else None

    def geocode(self, query: str, *, exactly_one: bool = True, country_codes: Any = None,
                timeout: Any = None) -> Location | list[Location] | None:
        """geopy's forward geocoding; country_codes (str or list) acts as the country hint."""
        if isinstance(country_codes, (list, tuple)):
            country_codes = country_codes[0] if country_codes else None
        matches = search(self.gazetteer, str(query), country_codes)
        if not matches:
            return None
        if exactly_one:
            return to_location(matches[0])
        return [to_location(matches[0].without_alternatives()), *map(to_location, matches[1:])]

    def reverse(self, query: Any, *, exactly_one: bool = True,
                timeout: Any = None) -> Location | list[Location] | None:
        """geopy's reverse geocoding: the nearest gazetteer place within 500 km."""
        point = Point(query)
        match = self.reverse_match(point.latitude, point.longitude)
        if match is None:
            return None
        location = to_location(match)
        return location if exactly_one else [location]

    def reverse_match(self, lat: float, lon: float) -> PlaceMatch | None:
        """The nearest place as a PlaceMatch, its confidence falling with distance."""
        gazetteer = self.gazetteer
        number = gazetteer.nearest(lat, lon)
        if number is None:
            return None
        km = distance_km(lat, lon, *gazetteer.point(number))
        return place_match(gazetteer, number, math.pow(0.5, km / REVERSE_HALF_KM), "offline:reverse")
