"""A world map of released counts, one cell per country, as SVG drawn on the server.

The outlines come from Natural Earth (public domain) via ``data/world_110m.json`` (see
``build_worldmap.py``); no tile server or map library is ever contacted (DESIGN §2). A country
is shaded by its released count; a withheld count is hatched, never shaded by its true size.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .disclosure import ReleasedTable

GEOMETRY = Path(__file__).parent / "data" / "world_110m.json"
SHADES = 5


@lru_cache(maxsize=1)
def geometry() -> dict[str, Any]:
    """The projected country outlines, read once per process."""
    return json.loads(GEOMETRY.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CountryShape:
    """One country's outline and how it is shaded."""

    code: str
    path: str
    shade: str  # "none", "withheld" or "s1".."s5"
    count: int | None


def shade_of(count: int | None, peak: int) -> str:
    """A shade class: equal steps of the largest published count."""
    if count is None:
        return "withheld"
    return f"s{min(SHADES, 1 + (count * SHADES - 1) // max(peak, 1))}"


def country_shapes(table: ReleasedTable) -> list[CountryShape]:
    """Every outline, shaded by the released country counts of a one-dimension table."""
    released = {cell.key[0]: cell.count for cell in table.cells}
    peak = max((count for count in released.values() if count), default=1)
    shapes = []
    for code, path in geometry()["countries"].items():
        shade = shade_of(released[code], peak) if code in released else "none"
        shapes.append(CountryShape(code, path, shade, released.get(code)))
    return shapes


def frame() -> tuple[int, int]:
    """The map's width and height in SVG units."""
    data = geometry()
    return data["width"], data["height"]
