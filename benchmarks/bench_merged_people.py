"""What leaving merged people out of the counts costs: the counting statements with and without the rule.

Run: ``python benchmarks/bench_merged_people.py [--size 100000] [--rounds 5]``. It reads the SQLite
database of bench_export.py / bench_statistics.py (benchmarks/results/analytics-N, built by
``python benchmarks/bench_statistics.py --sizes N`` if missing) and, in one process, alternately
times with and without ``dimensions.unmerged`` (the condition that leaves a merged person's
involvements and member links out, swapped for TRUE in the "without" turns):

- the full count of the export cube (``flask export stats --by month,tactic,host_country``'s
  margins, ``tables.count_cubes``), the statement a first view or ``analytics refresh`` runs;
- the de-identified dataset's one pass (``DeidentifiedDataset.prepare``).

SQLite runs in the process, so CPU time is the measure; it prints the median CPU seconds of each
and the ratio with / without, from the same run (the machine is shared: compare ratios only).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_export import RESULTS, Database, make_app  # noqa: E402


@contextmanager
def rule(on: bool):
    """The merged-people condition as written, or TRUE everywhere it is used."""
    from sqlalchemy import true

    from tracker.analytics import dimensions, statistics as counting, tables

    modules, kept = (dimensions, counting, tables), dimensions.unmerged
    if not on:
        for module in modules:
            module.unmerged = lambda _person: true()
    try:
        yield
    finally:
        for module in modules:
            module.unmerged = kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    folder = RESULTS / f"analytics-{arguments.size}"
    if not (folder / "tracker.sqlite3").exists():
        raise SystemExit(f"no {folder}: run python benchmarks/bench_statistics.py --sizes {arguments.size} first")
    app = make_app(Database(f"sqlite:///{folder / 'tracker.sqlite3'}", folder))
    from tracker.analytics.dataset import DeidentifiedDataset
    from tracker.analytics.tables import TableRequest, count_cubes
    from tracker.analytics.lattice import closed_subcubes
    from tracker.analytics.dimensions import PARENTS
    from tracker.db import get_session

    with app.app_context():
        session = get_session()
        cube = TableRequest("incidents", ("month", "tactic", "host_country")).cube()
        margins = closed_subcubes(cube, PARENTS)
        work = {"count_cubes (export cube, all margins)": lambda: count_cubes(session, "incidents", cube, margins),
                "de-identified dataset pass": lambda: DeidentifiedDataset(session).prepare()}
        for name, job in work.items():
            times: dict[bool, list[float]] = {True: [], False: []}
            results = {}
            for _round in range(arguments.rounds):
                for on in (False, True):  # alternating, so both meet the same load
                    with rule(on):
                        start = time.process_time()
                        results[on] = job()
                        times[on].append(time.process_time() - start)
                    session.rollback()
            if isinstance(results[True], dict):
                print(f"  counts {'equal' if results[True] == results[False] else 'differ'} with and without "
                      "(they differ only where a merged person is a target or named member)")
            with_rule, without = statistics.median(times[True]), statistics.median(times[False])
            print(f"{name}: with the rule {with_rule:.3f} s CPU, without {without:.3f} s CPU, "
                  f"ratio {with_rule / without:.3f} (median of {arguments.rounds})")


if __name__ == "__main__":
    main()
