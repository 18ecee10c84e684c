"""Analytics exports at scale: both export commands against hand-written SQL floors, and memory.

Run: ``python benchmarks/bench_export.py [--incidents 100000] [--repeat 3] [--parts export dataset]``.
The database is benchmarks/results/analytics-N/tracker.sqlite3, built with ``flask demo-data``
(the organisation key and a caseworker holding it made first) or, for 1,000,000 incidents,
copied from the demo-data benchmark's demo-1m.sqlite3 when that exists; with ``--database-url
postgresql+psycopg://...`` (a database of its own: it is filled with demo data) the same runs on
PostgreSQL, raw SQL through psycopg, keys in benchmarks/results/analytics-pg-N. ``--show-sql``
prints the floors' SQL. In one run it times, best of ``--repeat``:

- export: ``flask export stats --by month,tactic,host_country --format csv --output FILE`` through
  the CLI (kept margins, consistent disclosure control, audit event, CSV), once to register the
  cube's margins and then as every later export runs; against the floor, the same GROUP BY
  (the app's counted incidents: consent rule in the fast grouped form the app uses, incidents
  merged into another left out; distinct people per cell) written by hand
  and run through the sqlite3 module or psycopg. Also printed: the rule as two correlated
  subqueries, the table's total, and a naive count(*) GROUP BY ignoring consent and people.
- dataset: ``flask export incidents --format csv`` (the full de-identified dataset) against its
  floor, a raw SELECT of the columns the rows are made from (7 of the export's 12: no row
  number, Freedom House columns or level, so the floor is if anything too cheap) of counted,
  unmerged incidents in the export's order, written with the csv module (a server-side cursor on
  PostgreSQL); then the peak resident memory
  of a child process exporting it, beside a child that only loads the app.
- dashboard: at 1,000 incidents and at ``--incidents``, the time to count all its tables afresh
  and the median time to render it from the kept counts.

It prints each RATIO (app / floor, wall time); on SQLite also the CPU time of both, which the
load of a shared machine disturbs less.
"""
from __future__ import annotations

import argparse
import csv
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
YEAR = """CASE WHEN i.start_date IS NOT NULL AND i.start_precision IN ('exact', 'month', 'year', 'estimate')
  THEN substr(CAST(i.start_date AS TEXT), 1, 4) ELSE 'unknown' END"""
# The consent rule as a person first writes it: two correlated subqueries per incident.
CONSENT_CORRELATED = """(NOT EXISTS (SELECT 1 FROM incident_report ir WHERE ir.incident_id = i.id)
   OR EXISTS (SELECT 1 FROM incident_report ir JOIN report r ON r.id = ir.report_id
              WHERE ir.incident_id = i.id AND r.consent_statistics))"""
# The same rule in its fastest form on both engines (the app's): not among the incidents whose
# every report refused. The floors use this one, so no ratio is flattered by a slow floor.
CONSENT = """i.id NOT IN (SELECT ir.incident_id FROM incident_report ir JOIN report r ON r.id = ir.report_id
   GROUP BY ir.incident_id HAVING max(CASE WHEN r.consent_statistics THEN 1 ELSE 0 END) = 0)"""
RAW = f"""
SELECT {MONTH} AS month, c.code, coalesce(i.host_country, 'unknown'), count(DISTINCT coalesce(t.person_id, 0 - i.id))
FROM incident i
JOIN incident_code c ON c.incident_id = i.id AND c.vocabulary = 'tactic'
LEFT JOIN involvement t ON t.incident_id = i.id AND t.role = 'target'
WHERE {CONSENT} AND i.merged_into_id IS NULL
GROUP BY 1, 2, 3
"""  # noqa: S608 - constant text, no outside input
RAW_CORRELATED = RAW.replace(CONSENT, CONSENT_CORRELATED)
# A publishable table needs its total too: distinct people over the same counted incidents.
RAW_TOTAL = f"""
SELECT count(DISTINCT coalesce(t.person_id, 0 - i.id))
FROM incident i LEFT JOIN involvement t ON t.incident_id = i.id AND t.role = 'target'
WHERE {CONSENT} AND i.merged_into_id IS NULL
"""  # noqa: S608 - constant text, no outside input
NAIVE = f"""
SELECT {MONTH}, c.code, i.host_country, count(*)
FROM incident i JOIN incident_code c ON c.incident_id = i.id AND c.vocabulary = 'tactic'
GROUP BY 1, 2, 3
"""  # noqa: S608 - constant text, no outside input
# The floor of the dataset export: its columns of the counted incidents that were not merged
# into another, in the order the export releases them, written with the csv module. No targets,
# no k-anonymity: only what any export of these rows pays.
RAW_INCIDENTS = f"""
SELECT {YEAR}, coalesce(i.origin_country, 'unknown'), coalesce(i.community, 'unknown'), i.primary_tactic,
       coalesce(i.host_country, 'unknown'), {MONTH}, i.verification
FROM incident i WHERE {CONSENT} AND i.merged_into_id IS NULL ORDER BY 1, 2, 3, 4, 5, 6, i.id
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
        add_key_holder(app)
        start = time.perf_counter()
        run_cli(app, ["demo-data", "--incidents", str(size), "--seed", "1"])
        print(f"demo-data --incidents {size}: {time.perf_counter() - start:.0f} s")
    return target


def add_key_holder(app) -> None:
    """The organisation key (demo data is sealed to it) and a caseworker who holds it, once."""
    from tracker.db import get_session
    from tracker.orgkey import has_organisation_key

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_family import add_key_holder as make_key_holder

    with app.app_context():
        if not has_organisation_key(get_session()):
            make_key_holder(get_session())


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


def best_wall_and_cpu(repeat: int, work) -> tuple[float, float]:
    """The fastest wall time and the smallest CPU time of this process over ``repeat`` runs.

    On SQLite both the app and the floor run inside this process, so CPU time compares them
    without the noise of a shared machine; on PostgreSQL the server's share is not in it.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def app_export(app, output: Path) -> None:
    """The month x tactic x host-country export through the CLI command (app already loaded)."""
    run_cli(app, ["export", "stats", "--by", BY, "--format", "csv", "--output", str(output)])


def forget_margins(app) -> None:
    """Drop the kept margins of the exported cube (as if no export of it had run yet)."""
    from sqlalchemy import delete

    from tracker.analytics.dimensions import PARENTS
    from tracker.analytics.lattice import closed_subcubes
    from tracker.analytics.tables import TableRequest
    from tracker.analytics.upkeep import margin_key
    from tracker.db import get_session
    from tracker.models.statistics import StatisticsCell, StatisticsMargin

    with app.app_context():
        cube = TableRequest("incidents", tuple(BY.split(","))).cube()
        keys = [margin_key("incidents", margin) for margin in closed_subcubes(cube, PARENTS)]
        session = get_session()
        session.execute(delete(StatisticsCell).where(StatisticsCell.margin_key.in_(keys)))
        session.execute(delete(StatisticsMargin).where(StatisticsMargin.key.in_(keys)))
        session.commit()


def raw_query(database: Database, sql: str) -> int:
    """Run a query through the sqlite3 module or psycopg and fetch every row; returns the row count."""
    if database.is_sqlite:
        with sqlite3.connect(database.url.removeprefix("sqlite:///")) as connection:
            return len(connection.execute(sql).fetchall())
    import psycopg

    with psycopg.connect(database.url.replace("postgresql+psycopg://", "postgresql://", 1)) as connection:
        return len(connection.execute(sql).fetchall())


def child_peak(database: Database, export: bool) -> tuple[int, float]:
    """Peak RSS (MiB) and time of a child that loads the app and, if asked, exports the dataset.

    The child reports its own high-water mark (VmHWM): the parent's ``RUSAGE_CHILDREN`` also
    counts the forked copy of the parent before it runs the child's program.
    """
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from benchmarks.bench_export import child; "
            "child(sys.argv[2], sys.argv[3], sys.argv[4] == '1')")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, str(ROOT), database.url, str(database.folder),
                           "1" if export else "0"], check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    print(done.stdout, end="")
    return int(done.stdout.rsplit("peak:", 1)[1].split()[0]), elapsed


def child(url: str, folder: str, export: bool) -> None:
    """In the child process: load the app, then export the full dataset as CSV to a temporary file."""
    app = make_app(Database(url, Path(folder)))
    print(f"  resident after loading the app: {resident_mib('VmRSS')} MiB")
    if export:
        with tempfile.TemporaryDirectory() as scratch:
            output = Path(scratch) / "incidents.csv"
            run_cli(app, ["export", "incidents", "--format", "csv", "--output", str(output)])
            lines = sum(1 for _ in output.open(encoding="utf-8"))
            print(f"  dataset rows written: {lines - 1:,}; resident at the end: {resident_mib('VmRSS')} MiB")
    print(f"  peak: {resident_mib('VmHWM')} MiB")


def resident_mib(field: str = "VmRSS") -> int:
    """This process's resident memory now (VmRSS) or at its highest (VmHWM), Linux, in MiB."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    return int(status.split(f"{field}:")[1].split()[0]) // 1024


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
    """The month x tactic x host-country export against the hand-written GROUP BY."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "stats.csv"
        app = make_app(database)
        # The first export of a breakdown counts its cube's margins in full and registers them;
        # from then on they are kept current as data changes, and exports read them. A reused
        # database has them from its last run: they are dropped first, so "first" is the first.
        forget_margins(app)
        first_seconds = best_of(1, lambda: app_export(app, output))
        app_seconds, app_cpu = best_wall_and_cpu(repeat, lambda: app_export(app, output))
        cells = sum(1 for _ in output.open(encoding="utf-8")) - 2
    raw_seconds, raw_cpu = best_wall_and_cpu(repeat, lambda: raw_query(database, RAW))
    correlated_seconds = best_of(1, lambda: raw_query(database, RAW_CORRELATED))
    total_seconds = best_of(repeat, lambda: raw_query(database, RAW_TOTAL))
    naive_seconds = best_of(repeat, lambda: raw_query(database, NAIVE))
    driver = "sqlite3" if database.is_sqlite else "psycopg"
    print(f"{size:,} incidents, month x tactic x host-country ({cells:,} cells), best of {repeat}, {driver}")
    print(f"  app export from kept margins (CLI, disclosure control, audit, CSV): {app_seconds:.2f} s")
    print(f"  app export the first time (margins counted in full and registered): {first_seconds:.2f} s")
    print(f"  floor: raw SQL GROUP BY, same consent rule in its fast form:        {raw_seconds:.2f} s")
    print(f"  the same with the rule as two correlated subqueries:                {correlated_seconds:.2f} s")
    print(f"  raw SQL total, same rule:                                           {total_seconds:.2f} s")
    print(f"  naive count(*) GROUP BY, no rules:                                  {naive_seconds:.2f} s")
    print(f"  RATIO export stats / raw GROUP BY: {app_seconds / raw_seconds:.2f} (aim 1.2); first export: "
          f"{first_seconds / raw_seconds:.2f}; / (GROUP BY + total): {app_seconds / (raw_seconds + total_seconds):.2f}")
    if database.is_sqlite:
        print(f"  CPU time in this process: app {app_cpu:.2f} s, floor {raw_cpu:.2f} s: ratio {app_cpu / raw_cpu:.2f}")


def raw_csv(database: Database, output: Path) -> int:
    """The dataset export's floor: RAW_INCIDENTS streamed to a CSV file with the csv module."""
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if database.is_sqlite:
            with sqlite3.connect(database.url.removeprefix("sqlite:///")) as connection:
                writer.writerows(connection.execute(RAW_INCIDENTS))
            return 0
        import psycopg

        url = database.url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(url) as connection, connection.cursor(name="floor") as cursor:
            cursor.execute(RAW_INCIDENTS)  # a server-side cursor: rows arrive in batches
            writer.writerows(cursor)
    return 0


def dataset_part(database: Database, size: int, repeat: int) -> None:
    """The full de-identified dataset as CSV against its floor, then its peak memory in a child."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "incidents.csv"
        app = make_app(database)
        app_seconds, app_cpu = best_wall_and_cpu(repeat, lambda: run_cli(
            app, ["export", "incidents", "--format", "csv", "--output", str(output)]))
        released = sum(1 for _ in output.open(encoding="utf-8")) - 1
        raw_seconds, raw_cpu = best_wall_and_cpu(repeat, lambda: raw_csv(database, output))
        floor_rows = sum(1 for _ in output.open(encoding="utf-8"))
    print(f"{size:,} incidents, full de-identified dataset as CSV, best of {repeat}:")
    print(f"  app export (CLI: one pass, k-anonymity per class, audit): {app_seconds:.2f} s, "
          f"{released:,} rows released")
    print(f"  floor: raw SELECT of its columns, same rules, sorted, to CSV: {raw_seconds:.2f} s, {floor_rows:,} rows")
    print(f"  RATIO export incidents / raw SELECT to CSV: {app_seconds / raw_seconds:.2f} (aim 1.5)")
    if database.is_sqlite:
        print(f"  CPU time in this process: app {app_cpu:.2f} s, floor {raw_cpu:.2f} s: ratio {app_cpu / raw_cpu:.2f}")
    print("  in a child process (memory):")
    baseline, _ = child_peak(database, export=False)
    peak, seconds = child_peak(database, export=True)
    print(f"  peak RSS: {peak} MiB (app loaded, no export: {baseline} MiB); {seconds:.1f} s with start-up")


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
    parser.add_argument("--show-sql", action="store_true", help="print the floors' SQL first")
    args = parser.parse_args()
    if args.show_sql:
        for name, sql in (("raw GROUP BY", RAW), ("raw total", RAW_TOTAL), ("raw dataset", RAW_INCIDENTS)):
            print(f"-- {name}{sql}")
    database = prepare(args.incidents, args.database_url)
    if "export" in args.parts:
        export_part(database, args.incidents, args.repeat)
    if "dataset" in args.parts:
        dataset_part(database, args.incidents, args.repeat)
    if "dashboard" in args.parts:
        dashboard_part(args.incidents, max(args.repeat, 10), args.database_url)


if __name__ == "__main__":
    main()
