"""Analytics exports at scale: the app's export path against raw SQL, and the dataset's peak memory.

Run: ``python benchmarks/bench_export.py [--incidents 1000000] [--repeat 3]``. The database is
benchmarks/results/analytics-N/tracker.sqlite3, built with ``flask demo-data`` or, for 1,000,000
incidents, copied from the demo-data benchmark's demo-1m.sqlite3 when that exists. In one run it
times, best of ``--repeat``:

- app: ``flask export stats --by month,tactic,host_country --format csv --output FILE`` through the
  CLI (consent rule, distinct people per cell, total, disclosure control, audit event, CSV);
- raw: the same GROUP BY (same consent rule and distinct-person count) written by hand and run
  through the sqlite3 module, which is the floor any implementation pays, and the table's total
  (distinct people overall), which a publishable table also needs;
- naive: ``SELECT month, tactic, host, count(*) ... GROUP BY``, ignoring consent and people, for scale.

and prints app / raw GROUP BY and app / (raw GROUP BY + raw total). Then it runs
``flask export incidents --format csv`` (the full de-identified dataset) in a child process and
prints the child's peak resident memory, and the peak of a child that only loads the app, so the
export's own share is visible.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker import create_app  # noqa: E402 - after the path set-up above

RESULTS = ROOT / "benchmarks" / "results"
DEMO_1M = RESULTS / "demo-1m.sqlite3", RESULTS / "demo-1m-instance"
BY = "month,tactic,host_country"

MONTH = """CASE WHEN i.start_date IS NOT NULL AND i.start_precision IN ('exact', 'month')
  THEN substr(i.start_date, 1, 7)
  WHEN i.start_date IS NOT NULL AND i.start_precision IN ('exact', 'month', 'year', 'estimate')
  THEN substr(i.start_date, 1, 4) ELSE 'unknown' END"""
CONSENT = """(NOT EXISTS (SELECT 1 FROM incident_report ir WHERE ir.incident_id = i.id)
   OR EXISTS (SELECT 1 FROM incident_report ir JOIN report r ON r.id = ir.report_id
              WHERE ir.incident_id = i.id AND r.consent_statistics))"""
RAW = f"""
SELECT {MONTH} AS month, c.code, coalesce(i.host_country, 'unknown'), count(DISTINCT coalesce(t.person_id, 0 - i.id))
FROM incident i
JOIN incident_code c ON c.incident_id = i.id AND c.vocabulary = 'tactic'
LEFT JOIN involvement t ON t.incident_id = i.id AND t.role = 'target'
WHERE {CONSENT}
GROUP BY 1, 2, 3
"""  # noqa: S608 - constant text, no outside input
# A publishable table needs its total too: distinct people over the same counted incidents.
RAW_TOTAL = f"""
SELECT count(DISTINCT coalesce(t.person_id, 0 - i.id))
FROM incident i LEFT JOIN involvement t ON t.incident_id = i.id AND t.role = 'target'
WHERE {CONSENT}
"""  # noqa: S608 - constant text, no outside input
NAIVE = f"""
SELECT {MONTH}, c.code, i.host_country, count(*)
FROM incident i JOIN incident_code c ON c.incident_id = i.id AND c.vocabulary = 'tactic'
GROUP BY 1, 2, 3
"""  # noqa: S608 - constant text, no outside input


def prepare(size: int) -> Path:
    """This size's database folder (database and keys), built or reused."""
    folder = RESULTS / f"analytics-{size}"
    database = folder / "tracker.sqlite3"
    if not database.exists() and size == 1_000_000 and DEMO_1M[0].exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEMO_1M[1] / "keys.json", folder / "keys.json")
        shutil.copy(DEMO_1M[0], database)
    if not database.exists():
        runner = make_app(folder).test_cli_runner()
        for args in (["db", "upgrade"], ["demo-data", "--incidents", str(size), "--seed", "1"]):
            result = runner.invoke(args=args)
            if result.exit_code:
                raise SystemExit(result.output)
    return folder


def make_app(folder: Path):
    """The app over the folder's database, with the folder's keys."""
    return create_app({"DATABASE_URL": f"sqlite:///{folder / 'tracker.sqlite3'}", "RATELIMIT_STORAGE_URI": "memory://"},
                      instance_path=str(folder))


def best_of(repeat: int, work) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def app_export(app, output: Path) -> None:
    """The month x tactic x host-country export through the CLI command (app already loaded)."""
    result = app.test_cli_runner().invoke(
        args=["export", "stats", "--by", BY, "--format", "csv", "--output", str(output)])
    if result.exit_code:
        raise SystemExit(result.output)


def raw_query(folder: Path, sql: str) -> int:
    """Run a query through the sqlite3 module and fetch every row; returns the row count."""
    with sqlite3.connect(folder / "tracker.sqlite3") as connection:
        return len(connection.execute(sql).fetchall())


def child_peak(folder: Path, export: bool) -> tuple[int, float]:
    """Peak RSS (MiB) and time of a child that loads the app and, if asked, exports the dataset."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from benchmarks.bench_export import child; "
            "child(sys.argv[2], sys.argv[3] == '1')")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(ROOT), str(folder), "1" if export else "0"], check=True)
    elapsed = time.perf_counter() - start
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, elapsed


def child(folder: str, export: bool) -> None:
    """In the child process: load the app, then export the full dataset as CSV to a temporary file."""
    app = make_app(Path(folder))
    if export:
        with tempfile.TemporaryDirectory() as scratch:
            output = Path(scratch) / "incidents.csv"
            result = app.test_cli_runner().invoke(args=["export", "incidents", "--format", "csv",
                                                        "--output", str(output)])
            if result.exit_code:
                raise SystemExit(result.output)
            lines = sum(1 for _ in output.open(encoding="utf-8"))
            print(f"  dataset rows written: {lines - 1:,}")


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = prepare(args.incidents)
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "stats.csv"
        app = make_app(folder)
        app_seconds = best_of(args.repeat, lambda: app_export(app, output))
        cells = sum(1 for _ in output.open(encoding="utf-8")) - 2
    raw_seconds = best_of(args.repeat, lambda: raw_query(folder, RAW))
    total_seconds = best_of(args.repeat, lambda: raw_query(folder, RAW_TOTAL))
    naive_seconds = best_of(args.repeat, lambda: raw_query(folder, NAIVE))
    print(f"{args.incidents:,} incidents, month x tactic x host-country ({cells:,} cells), best of {args.repeat}")
    print(f"  app export (CLI, disclosure control, audit, CSV): {app_seconds:.2f} s")
    print(f"  raw SQL GROUP BY, same rules (sqlite3):          {raw_seconds:.2f} s")
    print(f"  raw SQL total, same rules (sqlite3):             {total_seconds:.2f} s")
    print(f"  naive count(*) GROUP BY, no rules (sqlite3):     {naive_seconds:.2f} s")
    print(f"  ratio app / raw GROUP BY: {app_seconds / raw_seconds:.2f}; app / (raw GROUP BY + raw total): "
          f"{app_seconds / (raw_seconds + total_seconds):.2f}; app / naive: {app_seconds / naive_seconds:.2f}")
    baseline, _ = child_peak(folder, export=False)
    print("full de-identified dataset, CSV, in a child process:")
    peak, seconds = child_peak(folder, export=True)
    print(f"  peak RSS: {peak} MiB (app loaded, no export: {baseline} MiB); {seconds:.1f} s")


if __name__ == "__main__":
    main()
