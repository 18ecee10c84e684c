"""The loaded gazetteer: places, counties, countries and divisions, looked up by key."""
from __future__ import annotations

import threading
from array import array
from dataclasses import dataclass
from pathlib import Path

from .keyindex import KeyIndex
from .normalise import KEY_VERSION, keys_for_name, place_key
from .spatial import CellIndex
from .store import COORD_SCALE, INDEX_PATH, NO_ADMIN1, SHARED, read_index


# eq=False: regions compare by identity, which is right (each is loaded once) and fast.
@dataclass(frozen=True, slots=True, eq=False)
class Region:
    """A country or a first- or second-level division, with a representative point inside it."""

    kind: str  # "country", "admin1" or "admin2"
    country: str
    code: str  # ISO code for a country; GeoNames' admin1 code, or "admin1.admin2" for admin2
    name: str | None  # a few GeoNames divisions have no name in the source data
    lat: float | None
    lon: float | None
    population: int


class Gazetteer:
    """Places as parallel arrays plus dictionaries from lookup key to place/region numbers."""

    def __init__(self, path: Path = INDEX_PATH) -> None:
        header, sections = read_index(path)
        if header["key_version"] != KEY_VERSION:
            raise ValueError("gazetteer index is stale: run python -m tracker.geo.build_index")
        self.names: list[str] = sections["names"].split("\n")
        self.lat, self.lon = sections["lat"], sections["lon"]
        self.population = sections["population"]
        self.country_of, self.admin1_of = sections["country"], sections["admin1"]
        self.geonameid = sections["geonameid"]
        self.countries = [Region("country", c, c, n, la, lo, p) for c, n, la, lo, p, _ in header["countries"]]
        self.admin1 = [Region("admin1", c, a, n, la, lo, p) for c, a, n, la, lo, p, _ in header["admin1"]]
        admin2_rows = header.get("admin2", [])
        self.admin2 = [Region("admin2", c, a, n, la, lo, p) for c, a, n, la, lo, p, _ in admin2_rows]
        self.admin2_of = sections.get("admin2") or array("H", [NO_ADMIN1]) * len(self.names)
        # Counties (China's county-level divisions) follow the GeoNames places.
        start, count = header.get("counties", (len(self.names), 0))
        self.counties = range(start, start + count)
        self.county_ids = sections["county_ids"].split("\n") if count else []
        # Sorted keys searched in one blob: no 780,000-entry dict or list of strings at start-up.
        self.keys = KeyIndex(sections["keys"], sections.get("key_blocks"))
        self.postings, self.shared = sections["postings"], sections["shared"]
        self.added_keys: dict[str, tuple[int, ...]] = {}  # curated names, added after loading
        self.region_keys: dict[str, list[Region]] = {}
        regions, rows = self.countries + self.admin1 + self.admin2, header["countries"] + header["admin1"] + admin2_rows
        for region, row in zip(regions, rows, strict=True):
            for key in row[-1]:
                self.region_keys.setdefault(key, []).append(region)
        self._cells: CellIndex | None = None  # built on the first reverse lookup
        self._county_cells: CellIndex | None = None
        self._admin1_by_code: dict[tuple[str, str], Region] | None = None
        # Curated facts from aliases.toml, by place number.
        self.precision_of: dict[int, str] = {}
        self.preferred: set[int] = set()
        self.curated_id: dict[int, str] = {}
        self.curated_names: set[tuple[str, int]] = set()
        self._primary_keys: dict[int, str] = {}

    def add_place(self, name: str, lat: float, lon: float, country: str, admin1: str | None,
                  population: int) -> int:
        """Append a curated place (one the gazetteer lacks) and return its number."""
        self.names.append(name)
        self.lat.append(round(lat * COORD_SCALE))
        self.lon.append(round(lon * COORD_SCALE))
        self.population.append(population)
        self.country_of.append(self.country_number(country))
        region = self.find_admin1(country, admin1) if admin1 else None
        if admin1 and region is None:
            raise ValueError(f"unknown division {admin1!r} of {country}")
        self.admin1_of.append(self.admin1.index(region) if region else NO_ADMIN1)
        self.admin2_of.append(NO_ADMIN1)
        self.geonameid.append(0)
        self._cells = None
        return len(self.names) - 1

    def add_place_name(self, number: int, name: str) -> None:
        """Index one more (curated) name for a place."""
        for key in keys_for_name(name):
            if number not in self.places(key):
                self.added_keys[key] = self.added_keys.get(key, ()) + (number,)
            self.curated_names.add((key, number))

    def add_region_name(self, region: Region, name: str) -> None:
        """Index one more name for a country or division."""
        for key in keys_for_name(name):
            bucket = self.region_keys.setdefault(key, [])
            if region not in bucket:
                bucket.append(region)

    def places(self, key: str) -> tuple[int, ...]:
        """Place numbers indexed under a key."""
        found: tuple[int, ...] = ()
        position = self.keys.position(key)
        if position is not None:
            posting = self.postings[position]
            if posting & SHARED:
                start = posting & ~SHARED
                found = tuple(self.shared[start + 1 : start + 1 + self.shared[start]])
            else:
                found = (posting,)
        return found + self.added_keys.get(key, ())

    def rename(self, number: int, name: str) -> None:
        """Give a place a better display name (its old names stay indexed)."""
        self.names[number] = name
        self._primary_keys.pop(number, None)

    def primary_key(self, number: int) -> str:
        """The key of a place's own (display) name, remembered once computed."""
        key = self._primary_keys.get(number)
        if key is None:
            key = self._primary_keys[number] = place_key(self.names[number])
        return key

    def regions(self, key: str) -> list[Region]:
        """Countries and divisions indexed under a key."""
        return self.region_keys.get(key, [])

    def point(self, number: int) -> tuple[float, float]:
        """A place's coordinates in degrees."""
        return self.lat[number] / COORD_SCALE, self.lon[number] / COORD_SCALE

    def country(self, number: int) -> Region:
        """A place's country."""
        return self.countries[self.country_of[number]]

    def admin1_region(self, number: int) -> Region | None:
        """A place's first-level division, if known."""
        index = self.admin1_of[number]
        return None if index == NO_ADMIN1 else self.admin1[index]

    def admin2_region(self, number: int) -> Region | None:
        """A place's second-level division (prefecture, district), if known."""
        index = self.admin2_of[number]
        return None if index == NO_ADMIN1 else self.admin2[index]

    def is_county(self, number: int) -> bool:
        """Whether a place number is a county-level division rather than a settlement."""
        return number in self.counties

    def place_id(self, number: int) -> str:
        """A place's stable identifier: curated, a Chinese division code, or its GeoNames id."""
        if number in self.curated_id:
            return self.curated_id[number]
        if number in self.counties:
            return self.county_ids[number - self.counties.start]
        return f"geonames:{self.geonameid[number]}"

    def precision(self, number: int) -> str:
        """What a place's point stands for: a county, a city, or a curated precision."""
        found = self.precision_of.get(number)
        if found is None:
            found = "county" if number in self.counties else "city"
        return found

    def country_number(self, code: str) -> int:
        """Index of a country by ISO code."""
        for number, region in enumerate(self.countries):
            if region.code == code:
                return number
        raise KeyError(code)

    def find_admin1(self, country: str, code_or_name: str) -> Region | None:
        """A division of a country by GeoNames code or exact name."""
        if self._admin1_by_code is None:
            self._admin1_by_code = {(r.country, r.code): r for r in self.admin1}
        found = self._admin1_by_code.get((country, code_or_name))
        if found is not None:
            return found
        for region in self.admin1:
            if region.country == country and code_or_name in (region.code, region.name):
                return region
        return None

    def by_geonameids(self, geonameids: set[int]) -> dict[int, int]:
        """Place numbers of the given GeoNames ids, found in one pass."""
        return {gid: number for number, gid in enumerate(self.geonameid) if gid in geonameids}

    def nearest(self, lat: float, lon: float, min_population: int = 0,
                max_km: float = 500.0) -> int | None:
        """The place nearest a point (optionally only places this large), within max_km."""
        if self._cells is None:
            # Counties stand at their seat's point: reverse geocoding answers with the seat.
            counties = self.counties
            self._cells = CellIndex(self.lat, self.lon, lambda n: n not in counties)
        return self._cells.nearest(lat, lon, self.population, min_population, max_km)

    def nearest_county(self, lat: float, lon: float, max_km: float) -> int | None:
        """The county whose seat is nearest a point, within max_km."""
        if self._county_cells is None:
            self._county_cells = CellIndex(self.lat, self.lon, self.counties.__contains__)
        return self._county_cells.nearest(lat, lon, self.population, 0, max_km)


_LOCK = threading.Lock()
_LOADED: Gazetteer | None = None


def load_gazetteer() -> Gazetteer:
    """The process-wide gazetteer with the curated aliases, loaded on first use."""
    global _LOADED
    with _LOCK:
        if _LOADED is None:
            from .aliases import apply_aliases

            gazetteer = Gazetteer()
            apply_aliases(gazetteer)
            _LOADED = gazetteer
    return _LOADED
