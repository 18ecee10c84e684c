"""The curated alias table (data/aliases.toml): fixes for places the gazetteer misses or misnames."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .gazetteer import Gazetteer
from .match import PRECISIONS
from .store import DATA_DIR

ALIASES_PATH = DATA_DIR / "aliases.toml"


def read_aliases(path: Path = ALIASES_PATH) -> dict[str, list[dict[str, Any]]]:
    """Parse the table and check that every entry cites a source."""
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    for section, entries in table.items():
        for entry in entries:
            if not entry.get("source"):
                raise ValueError(f"aliases.toml [{section}] entry without a source: {entry}")
            if entry.get("precision", "city") not in PRECISIONS:
                raise ValueError(f"aliases.toml: bad precision in {entry}")
    return table


def apply_aliases(gazetteer: Gazetteer, path: Path = ALIASES_PATH) -> None:
    """Add curated places, names and region names to a loaded gazetteer."""
    table = read_aliases(path)
    for entry in table.get("place", ()):
        _add_place(gazetteer, entry)
    extras = table.get("extra", [])
    numbers = gazetteer.by_geonameids({entry["geonames"] for entry in extras})
    for entry in extras:
        if entry["geonames"] not in numbers:
            raise ValueError(f"aliases.toml: GeoNames id {entry['geonames']} is not in the gazetteer")
        _amend_place(gazetteer, numbers[entry["geonames"]], entry)
    for entry in table.get("region", ()):
        _name_region(gazetteer, entry)


def _add_place(gazetteer: Gazetteer, entry: dict[str, Any]) -> None:
    """A place that cities1000 lacks, such as a neighbourhood."""
    number = gazetteer.add_place(entry["name"], entry["lat"], entry["lon"], entry["country"],
                                 entry.get("admin1"), entry.get("population", 0))
    gazetteer.curated_id[number] = "alias:" + entry["id"]
    gazetteer.precision_of[number] = entry.get("precision", "neighbourhood")
    for name in [entry["name"], *entry.get("names", ())]:
        gazetteer.add_place_name(number, name)


def _amend_place(gazetteer: Gazetteer, number: int, entry: dict[str, Any]) -> None:
    """More names, a display name, a precision or a ranking preference for a GeoNames place."""
    if "display" in entry:
        gazetteer.rename(number, entry["display"])
    for name in entry.get("names", ()):
        gazetteer.add_place_name(number, name)
    if "precision" in entry:
        gazetteer.precision_of[number] = entry["precision"]
    if entry.get("prefer"):
        gazetteer.preferred.add(number)


def _name_region(gazetteer: Gazetteer, entry: dict[str, Any]) -> None:
    """More names for a country or a first-level division (abbreviations, other scripts)."""
    if "admin1" in entry:
        region = gazetteer.find_admin1(entry["country"], entry["admin1"])
    else:
        region = gazetteer.countries[gazetteer.country_number(entry["country"])]
    if region is None:
        raise ValueError(f"aliases.toml: unknown region {entry}")
    for name in entry["names"]:
        gazetteer.add_region_name(region, name)
