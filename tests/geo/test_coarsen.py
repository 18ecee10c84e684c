"""coarsen(): country, division, city and grid levels, never finer than the stored precision."""
from __future__ import annotations

import pytest

from tracker.geo import coarsen
from tracker.geo.gazetteer import Gazetteer
from tracker.geo.spatial import distance_km

KASHGAR = (39.46718, 75.98675)
FLUSHING = (40.7654, -73.8318)


def test_country_and_division_levels_use_representative_points(gazetteer: Gazetteer) -> None:
    china = gazetteer.countries[gazetteer.country_number("CN")]
    xinjiang = gazetteer.find_admin1("CN", "13")
    assert coarsen(*KASHGAR, "point", "country", gazetteer) == (round(china.lat, 1), round(china.lon, 1))
    assert coarsen(*KASHGAR, "city", "admin1", gazetteer) == (round(xinjiang.lat, 1), round(xinjiang.lon, 1))


def test_city_level_snaps_to_a_town_of_at_least_15000(gazetteer: Gazetteer) -> None:
    lat, lon = coarsen(*FLUSHING, "neighbourhood", "city", gazetteer)
    assert (lat, lon) == (round(lat, 2), round(lon, 2))
    number = gazetteer.nearest(lat, lon, max_km=1)
    assert gazetteer.population[number] >= 15_000
    assert distance_km(lat, lon, *FLUSHING) < 50


def test_a_coarse_point_is_never_made_finer(gazetteer: Gazetteer) -> None:
    admin = coarsen(*KASHGAR, "admin1", "admin1", gazetteer)
    assert coarsen(*KASHGAR, "admin1", "city", gazetteer) == admin
    country = coarsen(*KASHGAR, "country", "country", gazetteer)
    assert coarsen(*KASHGAR, "country", "admin1", gazetteer) == country


@pytest.mark.parametrize(
    ("level", "expected"),
    [("grid:1", (39.5, 75.5)), ("grid:0.25", (39.375, 75.875)), ("grid", (39.25, 75.75))],
)
def test_grid_cells_return_their_centre(level: str, expected: tuple[float, float]) -> None:
    assert coarsen(*KASHGAR, "point", level) == expected


def test_grid_wraps_and_clamps() -> None:
    assert coarsen(-33.9, 179.99, "point", "grid:1") == (-33.5, 179.5)
    assert coarsen(90.0, 0.0, "point", "grid:1") == (89.5, 0.5)


def test_missing_points_and_bad_levels() -> None:
    assert coarsen(None, 75.0, "city", "country") is None
    with pytest.raises(ValueError):
        coarsen(*KASHGAR, "city", "street")
    with pytest.raises(ValueError):
        coarsen(*KASHGAR, "city", "grid:0")


def test_city_level_far_from_any_town_falls_back_to_the_division(gazetteer: Gazetteer) -> None:
    # Tibet's Changtang plateau: villages, but no town of 15,000 within 50 km.
    point = (33.0, 86.0)
    assert gazetteer.nearest(*point, 15_000, 50) is None
    division = coarsen(*point, "point", "admin1", gazetteer)
    assert division is not None and coarsen(*point, "point", "city", gazetteer) == division
