"""The offline geocoder through geopy's interface: forward, reverse, ranking and precision."""
from __future__ import annotations

import pytest
from geopy.location import Location

from tracker.geo.match import PlaceMatch
from tracker.geo.offline import OfflineGeocoder


def test_geocode_returns_a_geopy_location_with_the_match_as_raw(offline: OfflineGeocoder) -> None:
    location = offline.geocode("Kashgar")
    assert isinstance(location, Location)
    assert (location.latitude, location.longitude) == (39.47, 75.99)
    assert location.raw["gazetteer_id"] == "geonames:1280849"
    assert location.raw["geocoder"] == "offline:exact"
    assert location.address == "Kashgar, Xinjiang, CN"


def test_geocode_many_and_nothing(offline: OfflineGeocoder) -> None:
    many = offline.geocode("Richmond", exactly_one=False)
    assert len(many) > 2 and all(isinstance(loc, Location) for loc in many)
    assert offline.geocode("qqqzzzxxy") is None
    assert offline.resolve("   ") is None


def test_ambiguous_names_carry_alternatives_and_less_confidence(offline: OfflineGeocoder) -> None:
    match = offline.resolve("Richmond")
    assert match.confidence < 0.6
    countries = {alt.country for alt in match.alternatives} | {match.country}
    assert {"US", "CA"} <= countries
    assert all(alt.alternatives == () for alt in match.alternatives)


def test_unambiguous_names_are_confident(offline: OfflineGeocoder) -> None:
    assert offline.resolve("Ürümqi").confidence > 0.9


@pytest.mark.parametrize(
    ("query", "hint", "country", "admin1"),
    [
        ("Richmond, BC", None, "CA", "British Columbia"),
        ("Richmond, VA", None, "US", "Virginia"),
        ("Richmond", "CA", "CA", "British Columbia"),
        ("Paris", "US", "US", "Texas"),
        ("Sydney NSW", None, "AU", "New South Wales"),
        ("Flushing, Michigan", None, "US", "Michigan"),
        ("Kashgar, Xinjiang, China", None, "CN", "Xinjiang"),
        ("Aksu", "cn", "CN", "Xinjiang"),  # hints are case-insensitive
    ],
)
def test_qualifiers_and_hints_choose_the_place(offline, query, hint, country, admin1) -> None:
    match = offline.resolve(query, hint)
    assert (match.country, match.admin1) == (country, admin1)


def test_a_qualifier_that_rules_everything_out_answers_with_the_qualifier(offline) -> None:
    match = offline.resolve("Nowhereville, Toronto")
    assert (match.name, match.precision, match.geocoder) == ("Toronto", "city", "offline:qualifier")
    assert match.confidence < 0.7


def test_regions_and_countries_have_their_own_precision(offline: OfflineGeocoder) -> None:
    region = offline.resolve("East Turkistan")
    assert (region.precision, region.gazetteer_id) == ("admin1", "geonames-admin1:CN.13")
    country = offline.resolve("中国")
    assert (country.precision, country.gazetteer_id, country.admin1) == ("country", "iso3166:CN", None)


def test_a_place_beats_the_division_of_the_same_name(offline: OfflineGeocoder) -> None:
    assert offline.resolve("Almaty").precision == "city"
    assert offline.resolve("Istanbul").precision == "city"


def test_coordinates_are_rounded_to_the_precision(offline: OfflineGeocoder) -> None:
    neighbourhood = offline.resolve("Flushing, NY")
    assert neighbourhood.precision == "neighbourhood"
    assert neighbourhood.lat == round(neighbourhood.lat, 3)
    city = offline.resolve("Kashgar")
    assert (city.lat, city.lon) == (39.47, 75.99)
    country = offline.resolve("Kazakhstan")
    assert country.lat == round(country.lat, 1)


def test_curated_places_cite_alias_ids(offline: OfflineGeocoder) -> None:
    match = offline.resolve("Sefaköy")
    assert (match.gazetteer_id, match.geocoder) == ("alias:tr-sefakoy", "offline:alias")


@pytest.mark.parametrize(
    ("point", "name"),
    [((39.47, 75.99), "Kashgar"), ("43.80, 87.60", "Ürümqi"), ((22.3193, 114.1694), "Mong Kok")],
)
def test_reverse_finds_the_nearest_place(offline: OfflineGeocoder, point, name: str) -> None:
    location = offline.reverse(point)
    assert location.raw["name"] == name
    assert location.raw["geocoder"] == "offline:reverse"
    assert offline.reverse(point, exactly_one=False)[0].raw["name"] == name


def test_reverse_in_the_open_ocean_finds_nothing(offline: OfflineGeocoder) -> None:
    assert offline.reverse((-48.0, -125.0)) is None


def test_reverse_confidence_falls_with_distance(offline: OfflineGeocoder) -> None:
    near = offline.reverse_match(39.47, 75.99)
    far = offline.reverse_match(39.9, 76.6)
    assert near.confidence > far.confidence


def test_place_match_round_trips_and_validates() -> None:
    match = PlaceMatch("A", 1.23456, 2.34567, "CN", None, "city", 1.7, "geonames:1", "offline:exact",
                       (PlaceMatch("B", 1, 2, "CN", None, "country", 0.1, "iso3166:CN", "offline:region"),))
    assert (match.lat, match.lon, match.confidence) == (1.23, 2.35, 1.0)
    assert PlaceMatch.from_dict(match.to_dict()) == match
    with pytest.raises(ValueError):
        PlaceMatch("A", 0, 0, None, None, "street", 0.5, "x", "y")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Urumqui", "geonames:1529102"),  # an extra letter
        ("Kashgr, Xinjiang", "geonames:1280849"),  # a missing letter, with a qualifier
        ("Zeytinbrunu", "geonames:737071"),  # two letters swapped
        ("Flushng NY", "alias:us-flushing-queens"),
    ],
)
def test_one_typo_is_forgiven_with_less_confidence(offline: OfflineGeocoder, typed: str, expected: str) -> None:
    match = offline.resolve(typed)
    assert (match.gazetteer_id, match.geocoder) == (expected, "offline:fuzzy")
    assert match.confidence <= 0.6


def test_short_or_hopeless_typos_find_nothing(offline: OfflineGeocoder) -> None:
    assert offline.resolve("Oshh") is None  # too short to guess from
    assert offline.resolve("qqqzzzxx") is None
