"""Kept statistics at two sizes: first dashboard view, a change then the next view, and both exports.

Run: ``python benchmarks/bench_statistics.py [--sizes 1000 100000] [--repeat 3]``. Each size's
SQLite database is benchmarks/results/analytics-N (built by ``flask demo-data`` as in
bench_export.py), followed by ``flask analytics refresh``, which counts the kept margins that
bulk-loaded data bypassed. Then, in one run, per size:

- first view: the dashboard view function in a fresh app (templates compiled once first), the
  counts read from the kept margins; then the median of ``--repeat`` more views;
- change: one incident's host country edited through the ORM and committed (the flush hook
  adjusts every kept margin in that transaction), then the next view, which must count it;
- ``flask export stats --by month,tactic,host_country --format csv``: its first run (the cube's
  margins not kept yet: counted in full and registered) and a second run (read from the kept
  margins), against the hand-written GROUP BY of bench_export.py through the sqlite3 module;
- ``flask export incidents --format csv`` against a raw SELECT of the same columns of counted
  incidents written with the csv module.

It prints each ratio: view at the largest size / view at the smallest, export / raw.
"""
from __future__ import annotations

import argparse
import csv
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_export import BY, CONSENT, MONTH, RAW, best_of, make_app, prepare, raw_query, run_cli  # noqa: E402

RAW_INCIDENTS = f"""
SELECT {MONTH}, substr(CAST(i.start_date AS TEXT), 1, 4), i.origin_country, i.host_country, i.community,
       i.primary_tactic, i.verification
FROM incident i WHERE {CONSENT} ORDER BY 1, 3, 4, 5, 6, i.id
"""  # noqa: S608 - constant text, no outside input


def view_seconds(database, repeat: int) -> tuple[float, float, float]:
    """First view, median of further views, and the view after one edited incident (seconds)."""
    from sqlmodel import select

    from tracker.analytics import views
    from tracker.db import get_session
    from tracker.models import Incident

    app = make_app(database)
    with app.test_request_context("/analytics/?lang=en"):
        first = best_of(1, views.dashboard.__wrapped__)
        again = statistics.median(best_of(1, views.dashboard.__wrapped__) for _ in range(repeat))
        session = get_session()
        incident = session.exec(select(Incident).order_by(Incident.id.desc()).limit(1)).one()
        incident.host_country = "NZ" if incident.host_country != "NZ" else "AU"
        start = time.perf_counter()
        session.commit()
        edit = time.perf_counter() - start
        after = best_of(1, views.dashboard.__wrapped__)
    print(f"    edit committed (kept margins adjusted) in {edit * 1000:.1f} ms")
    return first, again, after


def raw_csv(database, output: Path) -> None:
    """The floor for the dataset export: a plain SELECT of its columns, written with the csv module."""
    with sqlite3.connect(database.url.removeprefix("sqlite:///")) as connection, \
            output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in connection.execute(RAW_INCIDENTS):
            writer.writerow(row)


def measure(size: int, repeat: int) -> dict[str, float]:
    """Every timing for one database size."""
    database = prepare(size)
    app = make_app(database)
    start = time.perf_counter()
    run_cli(app, ["analytics", "refresh"])
    print(f"{size:,} incidents: analytics refresh {time.perf_counter() - start:.1f} s")
    first, again, after = view_seconds(database, repeat)
    print(f"    dashboard first view {first * 1000:.1f} ms, then median {again * 1000:.1f} ms, "
          f"after an edit {after * 1000:.1f} ms")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out.csv"
        stats_first = best_of(1, lambda: run_cli(app, ["export", "stats", "--by", BY, "--output", str(out)]))
        stats_kept = best_of(repeat, lambda: run_cli(app, ["export", "stats", "--by", BY, "--output", str(out)]))
        raw_stats = best_of(repeat, lambda: raw_query(database, RAW))
        incidents = best_of(repeat, lambda: run_cli(app, ["export", "incidents", "--output", str(out)]))
        raw_incidents = best_of(repeat, lambda: raw_csv(database, out))
    print(f"    export stats first {stats_first:.2f} s, kept {stats_kept:.2f} s, raw GROUP BY {raw_stats:.2f} s: "
          f"ratios {stats_first / raw_stats:.2f} (first) and {stats_kept / raw_stats:.2f} (kept)")
    print(f"    export incidents {incidents:.2f} s, raw SELECT to CSV {raw_incidents:.2f} s: "
          f"ratio {incidents / raw_incidents:.2f}")
    return {"first": first, "again": again, "after": after}


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = {size: measure(size, args.repeat) for size in sorted(args.sizes)}
    small, large = min(results), max(results)
    for name in ("first", "again", "after"):
        print(f"ratio dashboard view ({name}) {large:,} / {small:,}: "
              f"{results[large][name] / results[small][name]:.2f}")


if __name__ == "__main__":
    main()
