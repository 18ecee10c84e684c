"""Ranking on places nobody chose by hand: a seeded random sample of the whole gazetteer."""
from __future__ import annotations

import random

from tracker.geo.gazetteer import Gazetteer
from tracker.geo.spatial import distance_km
from tracker.geo.offline import OfflineGeocoder

SAMPLE = 600
# Fully qualified names miss only where one division has two places of the same name.
QUALIFIED_THRESHOLD = 0.97
# A bare name may mean several places; the right one must at least be offered.
BARE_OFFERED_THRESHOLD = 0.95


def _sample(gazetteer: Gazetteer) -> list[int]:
    """The same random GeoNames places on every run."""
    return random.Random(20261128).sample(range(len(gazetteer.geonameid)), SAMPLE)


def _near(match, lat: float, lon: float) -> bool:
    """Whether a match is the place (within 10 km of it)."""
    return match is not None and distance_km(match.lat, match.lon, lat, lon) <= 10


def test_place_region_country_queries_find_the_place(gazetteer, offline: OfflineGeocoder) -> None:
    hits = 0
    for number in _sample(gazetteer):
        region, country = gazetteer.admin1_region(number), gazetteer.country(number)
        parts = [gazetteer.names[number], region.name if region else None, country.name]
        match = offline.resolve(", ".join(p for p in parts if p))
        hits += _near(match, *gazetteer.point(number))
    assert hits / SAMPLE >= QUALIFIED_THRESHOLD


def test_bare_names_offer_the_place_first_or_as_an_alternative(gazetteer, offline) -> None:
    offered = 0
    for number in _sample(gazetteer):
        match = offline.resolve(gazetteer.names[number])
        point = gazetteer.point(number)
        offered += _near(match, *point) or any(_near(alt, *point) for alt in match.alternatives)
    assert offered / SAMPLE >= BARE_OFFERED_THRESHOLD
