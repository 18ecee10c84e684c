"""coarsen(): the one way a stored point is made coarser for exports and maps."""
from __future__ import annotations

import math

from .gazetteer import Gazetteer, load_gazetteer
from .match import DECIMALS, PRECISIONS

LEVELS = ("country", "admin1", "county", "city")
# A "city" is snapped to a place at least this large (GeoNames' cities15000 threshold), so a
# village of a thousand people, where everyone knows who reported, is never shown.
CITY_MIN_POPULATION = 15_000
CITY_SNAP_KM = 50.0
# A country-level point may be a centroid far from any settlement.
REGION_SEARCH_KM = 2_500.0
# A point this far from every county seat is snapped to its second-level division instead.
COUNTY_SNAP_KM = 80.0


def coarsen(lat: float | None, lon: float | None, precision: str | None, level: str,
            gazetteer: Gazetteer | None = None) -> tuple[float, float] | None:
    """Move a point to its country's or division's representative point, a city, or a grid cell.

    ``level`` is "country", "admin1", "county", "city" or "grid:DEGREES" (e.g. "grid:0.5"). A point
    already coarser than the level stays at its own precision's level. Unknown precision is
    treated as an exact point. Returns None when there is no point or no place to snap to.
    """
    if lat is None or lon is None:
        return None
    if level.startswith("grid"):
        return _grid(lat, lon, level)
    if level not in LEVELS:
        raise ValueError(f"unknown coarsening level {level!r}")
    own = precision if precision in PRECISIONS else "point"
    effective = min(level, own, key=PRECISIONS.index)  # the coarser of the two
    return _snap(gazetteer or load_gazetteer(), lat, lon, effective)


def _snap(gazetteer: Gazetteer, lat: float, lon: float, level: str) -> tuple[float, float] | None:
    """The representative point of the place, division or country containing the point."""
    if level == "city":
        number = gazetteer.nearest(lat, lon, CITY_MIN_POPULATION, CITY_SNAP_KM)
        if number is None:  # no town nearby: the division, never the small place itself
            return _snap(gazetteer, lat, lon, "admin1")
        return _rounded(*gazetteer.point(number), level)
    if level == "county":
        return _snap_county(gazetteer, lat, lon)
    number = gazetteer.nearest(lat, lon, 0, REGION_SEARCH_KM)
    if number is None:
        return None
    region = gazetteer.admin1_region(number) if level == "admin1" else None
    region = region or gazetteer.country(number)
    if region.lat is None or region.lon is None:
        return None
    return _rounded(region.lat, region.lon, level)


def _snap_county(gazetteer: Gazetteer, lat: float, lon: float) -> tuple[float, float] | None:
    """The seat of the nearest county, else the point of the place's second-level division,
    else its first-level one: never the point itself."""
    county = gazetteer.nearest_county(lat, lon, COUNTY_SNAP_KM)
    if county is not None:
        return _rounded(*gazetteer.point(county), "county")
    number = gazetteer.nearest(lat, lon, 0, CITY_SNAP_KM)
    region = gazetteer.admin2_region(number) if number is not None else None
    if region is None or region.lat is None or region.lon is None:
        return _snap(gazetteer, lat, lon, "admin1")
    return _rounded(region.lat, region.lon, "county")


def _grid(lat: float, lon: float, level: str) -> tuple[float, float]:
    """The centre of the grid cell holding the point ("grid" alone means half a degree)."""
    _, _, size_text = level.partition(":")
    size = float(size_text or 0.5)
    if not 0 < size <= 90:
        raise ValueError(f"bad grid size in {level!r}")
    cell_lat = min(math.floor((lat + 90) / size), math.ceil(180 / size) - 1)
    centre_lat = -90 + (cell_lat + 0.5) * size
    centre_lon = -180 + (math.floor((lon + 180) / size) + 0.5) * size
    return round(centre_lat, 6), round((centre_lon + 180) % 360 - 180, 6)


def _rounded(lat: float, lon: float, level: str) -> tuple[float, float]:
    """Coordinates rounded to what the level supports."""
    digits = DECIMALS[level]
    return round(lat, digits), round(lon, digits)
