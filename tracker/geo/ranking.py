"""Ranking the gazetteer's candidates for a query, and how confident the best one is."""
from __future__ import annotations

import math
from dataclasses import dataclass

from .gazetteer import Gazetteer, Region
from .spatial import distance_km
from .match import PlaceMatch
from .normalise import names_division
from .query import ParsedQuery, Qualifier

# Score weights, in log10 units so a score difference of 1 is a 10x likelier candidate.
POPULATION_WEIGHT = 0.6  # a place 10x larger is 10**0.6 = 4x likelier to be meant
PRIMARY_NAME_BONUS = 0.8  # the query is the place's own name, not one of its alternates
CURATED_BONUS = 2.0  # the alias table says this is the place communities mean
HINT_BONUS = 1.5  # the report says which country this happened in
SAME_NAME_PENALTY = 0.5  # a region named like a place inside it gives way to that place
COUNTY_WORD_BONUS = 2.0  # "Kargilik County", "疏附县": the query itself says it means the county
# Counties carry no population in the sources; a typical Chinese county has a few hundred
# thousand people, so ranking treats one as this large unless its seat is larger.
COUNTY_POPULATION = 100_000
QUALIFIER_NEAR_KM = 60.0  # "Flushing, Queens": a qualifying place within this distance
QUALIFIER_NEAR_DEGREES = QUALIFIER_NEAR_KM / 111.0
IN_REGION, NEAR_PLACE = 2, 1  # how a candidate meets a qualifier, best first
MAX_CANDIDATES = 300
MAX_ALTERNATIVES = 5
MIN_ALTERNATIVE_SHARE = 0.01
# How far the wording lowers confidence: an alternate name is a little less sure than the
# primary one; dropping "City"/"市" or ignoring an unknown qualifier, more so; a typo, most.
QUALITY = {"exact": 1.0, "alias": 1.0, "region": 1.0, "alternate": 0.95, "stripped": 0.85, "fuzzy": 0.6}
UNKNOWN_QUALIFIER_FACTOR = 0.7


@dataclass(slots=True)
class Candidate:
    """A place number or a region, with how it matched and its score."""

    ref: int | Region
    step: str
    score: float = 0.0


def rank(gazetteer: Gazetteer, query: ParsedQuery, country_hint: str | None) -> list[PlaceMatch]:
    """The matches for a parsed query, best first, with confidence shares; the first one
    already carries the others as its alternatives.

    Empty when a qualifier the gazetteer knows rules out every candidate: the caller then
    answers with the qualifier itself, coarser but not wrong ("Parkdale, Toronto" -> Toronto).
    """
    candidates = _gather(gazetteer, query)
    factor = 1.0
    for qualifier in query.qualifiers:
        levels = [_satisfies(gazetteer, c.ref, qualifier) for c in candidates]
        best = max(levels, default=0)
        if best:
            candidates = [c for c, level in zip(candidates, levels, strict=True) if level == best]
        elif qualifier.recognised:
            return []
        else:
            factor *= UNKNOWN_QUALIFIER_FACTOR
    if not candidates:
        return []
    holders = _regions_holding_places(gazetteer, candidates) | _counties_at_seats(gazetteer, candidates)
    county_asked = names_division(query.head)
    for candidate in candidates:
        candidate.score = _score(gazetteer, candidate, country_hint)
        if county_asked and _is_division(gazetteer, candidate.ref):
            candidate.score += COUNTY_WORD_BONUS
        elif candidate.ref in holders:
            candidate.score -= PRIMARY_NAME_BONUS + SAME_NAME_PENALTY
    candidates.sort(key=lambda c: c.score, reverse=True)
    top = candidates[0].score
    weights = [10 ** (c.score - top) for c in candidates]
    total = sum(weights)
    kept = _kept(gazetteer, [(c, w / total) for c, w in zip(candidates, weights, strict=True)][: MAX_ALTERNATIVES + 1])
    others = tuple(to_match(gazetteer, c, share * QUALITY[c.step] * factor) for c, share in kept[1:])
    best, share = kept[0]
    return [to_match(gazetteer, best, share * QUALITY[best.step] * factor, others), *others]


def _kept(gazetteer: Gazetteer, ranked: list[tuple[Candidate, float]]) -> list[tuple[Candidate, float]]:
    """The best candidate and the alternatives worth offering.

    The county or district a chosen town is the seat of stays on offer however unlikely:
    one click turns "Kargilik" the town into Kargilik County when the report meant the county.
    """
    unlikely = [c for c, share in ranked[1:] if share < MIN_ALTERNATIVE_SHARE]
    if not unlikely:
        return ranked
    best = ranked[0][0]
    seated: set[int | Region | None] = set(_counties_at_seats(gazetteer, [best, *unlikely]))
    if isinstance(best.ref, int):
        seated.add(gazetteer.admin2_region(best.ref))
    return ranked[:1] + [(c, share) for c, share in ranked[1:] if share >= MIN_ALTERNATIVE_SHARE or c.ref in seated]


def _regions_holding_places(gazetteer: Gazetteer, candidates: list[Candidate]) -> set[Region]:
    """Candidate regions that contain a same-named candidate place: "Istanbul" means the city."""
    if not any(isinstance(c.ref, Region) for c in candidates):
        return set()
    places = [c.ref for c in candidates if not isinstance(c.ref, Region)]
    return ({gazetteer.admin1_region(n) for n in places} | {gazetteer.country(n) for n in places}
            | {gazetteer.admin2_region(n) for n in places})


def _counties_at_seats(gazetteer: Gazetteer, candidates: list[Candidate]) -> set[int]:
    """Candidate counties whose seat is a same-named candidate town: "Kargilik" means the town."""
    every = gazetteer.counties
    counties = [c.ref for c in candidates if isinstance(c.ref, int) and c.ref in every]
    if not counties:
        return set()
    lat, lon = gazetteer.lat, gazetteer.lon
    towns = {(lat[c.ref], lon[c.ref]) for c in candidates if isinstance(c.ref, int) and c.ref not in every}
    return {n for n in counties if (lat[n], lon[n]) in towns}


def _is_division(gazetteer: Gazetteer, ref: int | Region) -> bool:
    """A county or a second-level division, as opposed to a town or a larger region."""
    return ref.kind == "admin2" if isinstance(ref, Region) else gazetteer.is_county(ref)


def _gather(gazetteer: Gazetteer, query: ParsedQuery) -> list[Candidate]:
    """The places and regions the query's head names."""
    hit = query.hit
    if hit is None:
        return []
    if hit.fuzzy:
        return [Candidate(n, "fuzzy") for n in hit.places[:MAX_CANDIDATES]]
    found = [Candidate(n, _place_step(gazetteer, n, hit.key, hit.stripped))
             for n in hit.places[:MAX_CANDIDATES]]
    found += [Candidate(r, "stripped" if hit.stripped else "region") for r in hit.regions]
    return found


def _place_step(gazetteer: Gazetteer, number: int, key: str, stripped: bool) -> str:
    """Which step found a place: the curated table, its own name, an alternate, or no suffix."""
    if number in gazetteer.curated_id or (key, number) in gazetteer.curated_names:
        return "alias"
    if stripped:
        return "stripped"
    return "exact" if gazetteer.primary_key(number) == key else "alternate"


def _satisfies(gazetteer: Gazetteer, ref: int | Region, qualifier: Qualifier) -> int:
    """How a candidate meets a qualifier: IN_REGION, NEAR_PLACE or 0 (not at all).

    Lying in the named country or division beats lying near a place of that name: in
    "Dumbrăvița, Suceava" the county wins over a village near the town of Suceava.
    """
    if isinstance(ref, Region):
        return IN_REGION if any(_region_within(ref, q) for q in qualifier.regions) else 0
    if gazetteer.is_county(ref) and ref in qualifier.places:
        return IN_REGION  # "Tiemenguan, Tiemenguan": the county-level city named twice
    country, admin1, admin2 = gazetteer.country(ref), gazetteer.admin1_region(ref), gazetteer.admin2_region(ref)
    for region in qualifier.regions:
        if region == country or region == admin1 or (admin2 is not None and region == admin2):
            return IN_REGION
    lat, lon = gazetteer.point(ref)
    for number in qualifier.places:
        other_lat, other_lon = gazetteer.point(number)
        # A cheap latitude test first: most qualifier places are continents away.
        if number != ref and abs(other_lat - lat) <= QUALIFIER_NEAR_DEGREES:
            if distance_km(lat, lon, other_lat, other_lon) <= QUALIFIER_NEAR_KM:
                return NEAR_PLACE
    return 0


def _region_within(ref: Region, outer: Region) -> bool:
    """Whether a candidate region lies in a qualifier's country or (for admin2) first-level division."""
    if outer.kind == "country":
        return outer.country == ref.country
    return (ref.kind == "admin2" and outer.kind == "admin1" and outer.country == ref.country
            and ref.code.split(".")[0] == outer.code)


def _score(gazetteer: Gazetteer, candidate: Candidate, country_hint: str | None) -> float:
    """Log-likelihood-like score: population, exactness, curation, the report's country."""
    ref = candidate.ref
    if isinstance(ref, Region):
        population, country, bonus = ref.population, ref.country, PRIMARY_NAME_BONUS
    else:
        population = gazetteer.population[ref]
        if ref in gazetteer.counties:
            population = max(population, COUNTY_POPULATION)
        country = gazetteer.country(ref).code
        bonus = PRIMARY_NAME_BONUS if candidate.step in ("exact", "alias") else 0.0
        if ref in gazetteer.preferred:
            bonus += CURATED_BONUS
    if country_hint and country == country_hint:
        bonus += HINT_BONUS
    return POPULATION_WEIGHT * math.log10(population + 100) + bonus


def to_match(gazetteer: Gazetteer, candidate: Candidate, confidence: float,
             alternatives: tuple[PlaceMatch, ...] = ()) -> PlaceMatch:
    """Turn a candidate into a PlaceMatch."""
    ref = candidate.ref
    geocoder = "offline:" + candidate.step
    if isinstance(ref, Region):
        return _region_match(gazetteer, ref, confidence, geocoder, alternatives)
    return place_match(gazetteer, ref, confidence, geocoder, alternatives)


def _region_match(gazetteer: Gazetteer, ref: Region, confidence: float, geocoder: str,
                  alternatives: tuple[PlaceMatch, ...]) -> PlaceMatch:
    """A country or division as a PlaceMatch; a second-level division has precision "county"."""
    if ref.kind == "country":
        admin1, ident, precision = None, f"iso3166:{ref.code}", "country"
    elif ref.kind == "admin1":
        admin1, ident, precision = ref.name, f"geonames-admin1:{ref.country}.{ref.code}", "admin1"
    else:
        parent = gazetteer.find_admin1(ref.country, ref.code.split(".")[0])
        admin1, precision = parent.name if parent else None, "county"
        ident = f"geonames-admin2:{ref.country}.{ref.code}"
    return PlaceMatch(ref.name or ref.code, ref.lat or 0.0, ref.lon or 0.0, ref.country, admin1, precision,
                      confidence, ident, geocoder, alternatives)


def place_match(gazetteer: Gazetteer, number: int, confidence: float, geocoder: str,
                alternatives: tuple[PlaceMatch, ...] = ()) -> PlaceMatch:
    """A gazetteer place as a PlaceMatch."""
    lat, lon = gazetteer.point(number)
    region = gazetteer.admin1_region(number)
    return PlaceMatch(gazetteer.names[number], lat, lon, gazetteer.country(number).code,
                      region.name if region else None, gazetteer.precision(number),
                      confidence, gazetteer.place_id(number), geocoder, alternatives)
