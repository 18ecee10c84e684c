"""Offline geocoder benchmark: load time, peak memory and warm lookups per second, side by side.

Run: ``python benchmarks/bench_geocode.py [--seconds 5] [--tracemalloc]``. It loads the packaged
gazetteer once in this process, then resolves the evaluation set's queries (tests/geo/
eval_queries.csv) round after round on one core, and compares with the one request per
second that a public Nominatim allows.
"""
from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.geo.aliases import apply_aliases  # noqa: E402 - after the path set-up above
from tracker.geo.gazetteer import Gazetteer  # noqa: E402
from tracker.geo.offline import OfflineGeocoder  # noqa: E402

TARGETS = {"lookups_per_s": 10_000, "load_s": 2.0, "peak_mb": 200.0}
PUBLIC_NOMINATIM_PER_S = 1.0  # the usage policy of nominatim.openstreetmap.org


def rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(trace: bool) -> tuple[Gazetteer, float, float, float]:
    """Load the gazetteer with its aliases: (gazetteer, wall s, CPU s, peak MB attributable to it)."""
    before = rss_mb()
    if trace:
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    gazetteer = Gazetteer()
    apply_aliases(gazetteer)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        return gazetteer, wall, cpu, peak
    return gazetteer, wall, cpu, rss_mb() - before


def queries() -> list[tuple[str, str | None]]:
    """The evaluation set's queries with their country hints."""
    with (ROOT / "tests" / "geo" / "eval_queries.csv").open(newline="", encoding="utf-8") as handle:
        return [(row["query"], row["country"] or None) for row in csv.DictReader(handle)]


def lookups_per_second(geocoder: OfflineGeocoder, work: list, seconds: float,
                       reverse: bool) -> tuple[float, float]:
    """Warm single-thread throughput over whole rounds of the work list: (per wall s, per CPU s).

    Per CPU second is the one-core figure even on a busy machine; per wall second is what
    this run saw.
    """
    for item in work:  # warm-up round
        geocoder.reverse_match(*item) if reverse else geocoder.resolve(*item)
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        for item in work:
            geocoder.reverse_match(*item) if reverse else geocoder.resolve(*item)
        done += len(work)
    return done / (time.perf_counter() - started), done / (time.process_time() - cpu)


BASELINE_MB = rss_mb()  # this process after its imports, before the gazetteer


def main() -> None:
    """Measure and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per throughput run")
    parser.add_argument("--tracemalloc", action="store_true", help="peak by tracemalloc, not RSS")
    args = parser.parse_args()
    gazetteer, load_wall, load_cpu, peak_mb = load(args.tracemalloc)
    geocoder = OfflineGeocoder(gazetteer)
    work = queries()
    forward_wall, forward = lookups_per_second(geocoder, work, args.seconds, reverse=False)
    points = [(m.lat, m.lon) for m in (geocoder.resolve(q, h) for q, h in work) if m]
    reverse_wall, reverse = lookups_per_second(geocoder, points, args.seconds / 2, reverse=True)
    memory = "tracemalloc peak" if args.tracemalloc else "RSS growth"
    ratio = "x public Nominatim (1/s)"
    rows = [
        ("warm forward lookups per CPU-second", f"{forward:,.0f}", f">= {TARGETS['lookups_per_s']:,}",
         f"{forward / PUBLIC_NOMINATIM_PER_S:,.0f}{ratio}"),
        ("warm forward lookups per wall-second", f"{forward_wall:,.0f}", "",
         f"{forward_wall / PUBLIC_NOMINATIM_PER_S:,.0f}{ratio}"),
        ("warm reverse lookups per CPU-second", f"{reverse:,.0f}", "",
         f"{reverse / PUBLIC_NOMINATIM_PER_S:,.0f}{ratio}"),
        ("warm reverse lookups per wall-second", f"{reverse_wall:,.0f}", "", ""),
        ("load time, wall (s)", f"{load_wall:.2f}", f"< {TARGETS['load_s']}", f"CPU {load_cpu:.2f} s"),
        (f"memory of loaded gazetteer, {memory} (MB)", f"{peak_mb:.0f}", f"< {TARGETS['peak_mb']:.0f}", ""),
        ("process peak RSS (MB)", f"{rss_mb():.0f}", "",
         f"{BASELINE_MB:.0f} MB of it before loading (Python, Flask, SQLAlchemy)"),
    ]
    print(f"{len(gazetteer.names):,} places, {len(gazetteer.keys):,} name keys, {len(work)} queries/round")
    width = max(len(r[0]) for r in rows)
    print(f"{'metric':<{width}}  {'measured':>10}  {'target':>9}  comparison")
    for name, value, target, note in rows:
        print(f"{name:<{width}}  {value:>10}  {target:>9}  {note}")


if __name__ == "__main__":
    main()
