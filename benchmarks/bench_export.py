"""Analytics exports at scale: the app's export path against raw SQL, and the dataset's peak memory.

Run: ``python benchmarks/bench_export.py [--incidents 1000000] [--repeat 3]``. The database is
benchmarks/results/analytics-N/tracker.sqlite3, built with ``flask demo-data`` or, for 1,000,000
incidents, copied from the demo-data benchmark's demo-1m.sqlite3 when that exists; with
``--database-url postgresql+psycopg://...`` (a database of its own: it is filled with demo data)
the same runs on PostgreSQL, raw SQL through psycopg, keys in benchmarks/results/analytics-pg-N.
In one run it times, best of ``--repeat``:

- app: ``flask export stats --by month,tactic,host_country --format csv --output FILE`` through the
  CLI (consent rule, distinct people per cell, total, disclosure control, audit event, CSV);
- raw: the same GROUP BY (same consent rule and distinct-person count) written by hand and run
  through the sqlite3 module (psycopg on PostgreSQL), which is the floor any implementation pays,
  and the table's total (distinct people overall), which a publishable table also needs;
- naive: ``SELECT month, tactic, host, count(*) ... GROUP BY``, ignoring consent and people, for scale.

and prints app / raw GROUP BY and app / (raw GROUP BY + raw total). Then it runs
``flask export incidents --format csv`` (the full de-identified dataset) in a child process and
prints the child's peak resident memory, and the peak of a child that only loads the app, so the
export's own share is visible. Last, the dashboard at 1,000 incidents and at ``--incidents``:
the time to count all its tables afresh and the median time to render it from the kept counts
(the view function in a request context; the sign-in check aside).
``--parts`` runs a subset.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker import create_app  # noqa: E402 - after the path set-up above

RESULTS = ROOT / "benchmarks" / "results"
DEMO_1M = RESULTS / "demo-1m.sqlite3", RESULTS / "demo-1m-instance"
BY = "month,tactic,host_country"

MONTH = """CASE WHEN i.start_date IS NOT NULL AND i.start_precision IN ('exact', 'month')
  THEN substr(CAST(i.start_date AS TEXT), 1, 7)
  WHEN i.start_date IS NOT NULL AND i.start_precision IN ('exact', 'month', 'year', 'estimate')
  THEN substr(CAST(i.start_date AS TEXT), 1, 4) ELSE 'unknown' END"""
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
# The app's shape written by hand: counted rows gathered once, then cells and total from them.
RAW_ONE_PASS = f"""
WITH counted AS MATERIALIZED (
  SELECT {MONTH} AS month, c.code AS tactic, coalesce(i.host_country, 'unknown') AS host,
         coalesce(t.person_id, 0 - i.id) AS subject
  FROM incident i
  LEFT JOIN incident_code c ON c.incident_id = i.id AND c.vocabulary = 'tactic'
  LEFT JOIN involvement t ON t.incident_id = i.id AND t.role = 'target'
  WHERE {CONSENT})
SELECT month, tactic, host, count(DISTINCT subject) FROM counted WHERE tactic IS NOT NULL GROUP BY 1, 2, 3
UNION ALL SELECT NULL, NULL, NULL, count(DISTINCT subject) FROM counted
"""  # noqa: S608 - constant text, no outside input
NAIVE = f"""
SELECT {MONTH}, c.code, i.host_country, count(*)
FROM incident i JOIN incident_code c ON c.incident_id = i.id AND c.vocabulary = 'tactic'
GROUP BY 1, 2, 3
"""  # noqa: S608 - constant text, no outside input


@dataclass(frozen=True)
class Database:
    """Where one benchmark database lives: its URL, and the folder with its keys."""

    url: str
    folder: Path

    @property
    def is_sqlite(self) -> bool:
        """Whether raw SQL goes through the sqlite3 module (else psycopg)."""
        return self.url.startswith("sqlite")


def prepare(size: int, url: str | None = None) -> Database:
    """This size's database (SQLite unless ``url`` is given), built or reused."""
    folder = RESULTS / (f"analytics-{size}" if url is None else f"analytics-pg-{size}")
    database = folder / "tracker.sqlite3"
    if url is None and not database.exists() and size == 1_000_000 and DEMO_1M[0].exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEMO_1M[1] / "keys.json", folder / "keys.json")
        shutil.copy(DEMO_1M[0], database)
    target = Database(url or f"sqlite:///{database}", folder)
    app = make_app(target)
    # A reused database is brought to the current schema first (newer migrations may exist).
    run_cli(app, ["db", "upgrade"])
    if raw_query(target, "SELECT 1 FROM incident LIMIT 1") == 0:
        run_cli(app, ["demo-data", "--incidents", str(size), "--seed", "1"])
    return target


def run_cli(app, args: list[str]) -> None:
    """Run a flask command; stop the benchmark if it fails."""
    result = app.test_cli_runner().invoke(args=args)
    if result.exit_code:
        raise SystemExit(result.output)


def make_app(database: Database):
    """The app over the benchmark database, with its keys."""
    return create_app({"DATABASE_URL": database.url, "RATELIMIT_STORAGE_URI": "memory://",
                       "INIT_KEYS": not database.is_sqlite}, instance_path=str(database.folder))


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
    run_cli(app, ["export", "stats", "--by", BY, "--format", "csv", "--output", str(output)])


def raw_query(database: Database, sql: str) -> int:
    """Run a query through the sqlite3 module or psycopg and fetch every row; returns the row count."""
    if database.is_sqlite:
        with sqlite3.connect(database.url.removeprefix("sqlite:///")) as connection:
            return len(connection.execute(sql).fetchall())
    import psycopg

    with psycopg.connect(database.url.replace("postgresql+psycopg://", "postgresql://", 1)) as connection:
        return len(connection.execute(sql).fetchall())


def child_peak(database: Database, export: bool) -> tuple[int, float]:
    """Peak RSS (MiB) and time of a child that loads the app and, if asked, exports the dataset."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from benchmarks.bench_export import child; "
            "child(sys.argv[2], sys.argv[3], sys.argv[4] == '1')")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(ROOT), database.url, str(database.folder), "1" if export else "0"],
                   check=True)
    elapsed = time.perf_counter() - start
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, elapsed


def child(url: str, folder: str, export: bool) -> None:
    """In the child process: load the app, then export the full dataset as CSV to a temporary file."""
    app = make_app(Database(url, Path(folder)))
    print(f"  resident after loading the app: {resident_mib()} MiB")
    if export:
        with tempfile.TemporaryDirectory() as scratch:
            output = Path(scratch) / "incidents.csv"
            run_cli(app, ["export", "incidents", "--format", "csv", "--output", str(output)])
            lines = sum(1 for _ in output.open(encoding="utf-8"))
            print(f"  dataset rows written: {lines - 1:,}; resident at the end: {resident_mib()} MiB")


def resident_mib() -> int:
    """This process's resident memory now (Linux), to tell the export's share from start-up peaks."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    return int(status.split("VmRSS:")[1].split()[0]) // 1024


def dashboard_seconds(database: Database, repeat: int) -> tuple[float, float]:
    """Seconds to count every dashboard table, and the median to render it from stored counts."""
    from tracker.analytics import views
    from tracker.analytics.dashboard import dashboard_tables
    from tracker.analytics.statistics import NO_FILTERS
    from tracker.db import get_session

    app = make_app(database)
    with app.app_context():
        counting = best_of(1, lambda: dashboard_tables(get_session(), NO_FILTERS, recount=True))
    with app.test_request_context("/analytics/"):
        views.dashboard.__wrapped__()  # templates compiled once, as in a running server
        renders = [best_of(1, views.dashboard.__wrapped__) for _ in range(repeat)]
    return counting, statistics.median(renders)


def export_part(database: Database, size: int, repeat: int) -> None:
    """The month x tactic x host-country export against raw SQL."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "stats.csv"
        app = make_app(database)
        app_seconds = best_of(repeat, lambda: app_export(app, output))
        cells = sum(1 for _ in output.open(encoding="utf-8")) - 2
    raw_seconds = best_of(repeat, lambda: raw_query(database, RAW))
    total_seconds = best_of(repeat, lambda: raw_query(database, RAW_TOTAL))
    one_pass_seconds = best_of(repeat, lambda: raw_query(database, RAW_ONE_PASS))
    naive_seconds = best_of(repeat, lambda: raw_query(database, NAIVE))
    driver = "sqlite3" if database.is_sqlite else "psycopg"
    print(f"{size:,} incidents, month x tactic x host-country ({cells:,} cells), best of {repeat}, {driver}")
    print(f"  app export (CLI, disclosure control, audit, CSV): {app_seconds:.2f} s")
    print(f"  raw SQL GROUP BY, same rules:                     {raw_seconds:.2f} s")
    print(f"  raw SQL total, same rules:                        {total_seconds:.2f} s")
    print(f"  raw SQL cells and total in one pass:              {one_pass_seconds:.2f} s")
    print(f"  naive count(*) GROUP BY, no rules:                {naive_seconds:.2f} s")
    fastest = min(raw_seconds, one_pass_seconds)
    print(f"  ratio app / raw GROUP BY: {app_seconds / raw_seconds:.2f}; app / fastest raw (cells only or "
          f"one pass): {app_seconds / fastest:.2f}; app / (raw GROUP BY + raw total): "
          f"{app_seconds / (raw_seconds + total_seconds):.2f}; app / naive: {app_seconds / naive_seconds:.2f}")


def dataset_part(database: Database) -> None:
    """Peak memory of the full de-identified dataset export, against the bare app's."""
    print("full de-identified dataset, CSV, in a child process:")
    baseline, _ = child_peak(database, export=False)
    peak, seconds = child_peak(database, export=True)
    print(f"  peak RSS: {peak} MiB (app loaded, no export: {baseline} MiB); {seconds:.1f} s")


def dashboard_part(size: int, repeat: int, url: str | None) -> None:
    """The dashboard at 1,000 incidents and at ``size`` (both in the same database with ``url``)."""
    if url is not None and size != 1_000:
        print("dashboard: skipped (on PostgreSQL it needs a second database for 1,000 incidents)")
        return
    results = {n: dashboard_seconds(prepare(n, url), repeat) for n in sorted({1_000, size})}
    print(f"dashboard, no filters (render: median of {repeat}):")
    for n, (counting, render) in results.items():
        print(f"  {n:>9,} incidents: counting every table {counting:.2f} s; render from stored counts "
              f"{render * 1000:.1f} ms")
    small, large = results[min(results)][1], results[max(results)][1]
    print(f"  ratio render {max(results):,} / {min(results):,}: {large / small:.2f}")


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parts", nargs="+", choices=("export", "dataset", "dashboard"),
                        default=["export", "dataset", "dashboard"])
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL database of the benchmark's own (default: SQLite files)")
    args = parser.parse_args()
    database = prepare(args.incidents, args.database_url)
    if "export" in args.parts:
        export_part(database, args.incidents, args.repeat)
    if "dataset" in args.parts:
        dataset_part(database)
    if "dashboard" in args.parts:
        dashboard_part(args.incidents, max(args.repeat, 10), args.database_url)


if __name__ == "__main__":
    main()
