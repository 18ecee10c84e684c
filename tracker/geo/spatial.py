"""Nearest-place search over a grid of cells, and great-circle distance."""
from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterator

from .store import COORD_SCALE

KM_PER_DEGREE = 111.195
# Quarter-degree cells (about 28 km): a dense region's cell holds tens of places, and a
# sparse region needs few rings of cells.
CELL_DEGREES = 0.25
_COLUMNS = round(360 / CELL_DEGREES)


class CellIndex:
    """Place numbers by grid cell, for reverse geocoding and coarsening."""

    def __init__(self, lat: array, lon: array, include: Callable[[int], bool] | None = None) -> None:
        self.lat, self.lon = lat, lon
        size = CELL_DEGREES * COORD_SCALE
        self.cells: dict[tuple[int, int], list[int]] = {}
        for number, (la, lo) in enumerate(zip(lat, lon, strict=True)):
            if include is not None and not include(number):
                continue
            self.cells.setdefault((int(la // size), int(lo // size)), []).append(number)

    def nearest(self, lat: float, lon: float, population: array, min_population: int,
                max_km: float) -> int | None:
        """The nearest place with at least min_population people, within max_km, or None."""
        cell = (math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES))
        # Compare squared equirectangular distances in scaled units: exact enough to rank
        # neighbours a few cells apart, and far cheaper than haversine per place.
        scale = math.cos(math.radians(lat))
        qlat, qlon, half_turn = lat * COORD_SCALE, lon * COORD_SCALE, 180 * COORD_SCALE
        best, best_d2 = None, math.inf
        cell_km = CELL_DEGREES * KM_PER_DEGREE * max(math.cos(math.radians(min(abs(lat) + 1, 89))), 0.02)
        for ring in range(0, int(max_km / cell_km) + 2):
            for key in _ring(*cell, ring):
                for number in self.cells.get(key, ()):
                    if population[number] < min_population:
                        continue
                    dlon = (self.lon[number] - qlon + half_turn) % (2 * half_turn) - half_turn
                    d2 = (self.lat[number] - qlat) ** 2 + (dlon * scale) ** 2
                    if d2 < best_d2:
                        best, best_d2 = number, d2
            # Every place in ring r+1 is at least r cells away: stop once the best is nearer.
            if best is not None and math.sqrt(best_d2) / COORD_SCALE * KM_PER_DEGREE < ring * cell_km:
                break
        if best is None:
            return None
        found = distance_km(lat, lon, self.lat[best] / COORD_SCALE, self.lon[best] / COORD_SCALE)
        return best if found <= max_km else None


def _ring(cell_lat: int, cell_lon: int, ring: int) -> Iterator[tuple[int, int]]:
    """The cells at Chebyshev distance `ring`, wrapping longitude at the antimeridian."""
    half = _COLUMNS // 2
    for dlat in range(-ring, ring + 1):
        step = 1 if abs(dlat) == ring else 2 * ring  # inner rows: only the two edge cells
        for dlon in range(-ring, ring + 1, max(step, 1)):
            yield cell_lat + dlat, (cell_lon + dlon + half) % _COLUMNS - half


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
