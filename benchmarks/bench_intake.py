"""Report submissions per second through the real form, against a bare insert, in one run.

Run: ``python benchmarks/bench_intake.py [--seconds 15] [--clients 8] [--rounds 1] [--workers 2]
[--limits-storage redis://127.0.0.1:6379/0]`` (Redis by default: with several workers the
project's gunicorn.conf.py refuses in-memory limits; ``memory://`` needs ``--workers 1``). It
makes a temporary instance (SQLite, fresh keys, rate limits raised so the benchmark measures
work, not refusals), starts gunicorn with the project's gunicorn.conf.py on
127.0.0.1 with ``--workers`` workers and no access log for each case, and drives ``--clients``
concurrent keep-alive clients for ``--seconds`` each:

- submit: POST /report with a typical report (two tactics, a channel, a date, a place, a
  relative with two dated statuses, a narrative): CSRF check, validation, sealing, the keyed
  Argon2id receipt digest, codes, relative, place, audit event, one commit. Each client loads
  the form once for its session's CSRF token, then sends a fresh retry token with every POST,
  as a browser does for each new form (a repeated token would be a retry, not a submission);
- form cycle: GET /report, then the POST above: what one person costs, page view included;
- floor: POST to a bare Flask endpoint that inserts one row into a SQLite database opened with
  the same engine settings (WAL, synchronous=FULL), which is the least any submission costs.

It prints submissions per second for each (per round and the median of ``--rounds`` rounds that
alternate the cases), both ratios of medians against the floor, the cost of one
receipt digest, and the reporter form's transfer size (HTML + CSS + JS, uncompressed, as sent)
in every language, as first loaded and with one relative's block open.

``--profile N`` instead sends N reports in-process (Flask's test client, one thread, timers
around a dozen functions) and prints where the time of one POST /report goes, stage by stage.

``--slices N [--against DIR]`` starts the tracker and the required-work floor at once (and, with
``--against``, another checkout's tracker beside them) and drives them in turn, ``--seconds``
each, N times: each slice's ratio, so that a machine whose speed drifts over minutes compares
like with like. A before/after: ``git worktree add /tmp/before <commit>``, then
``python benchmarks/bench_intake.py --slices 8 --seconds 3 --against /tmp/before``.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask, request  # noqa: E402
from sqlalchemy import text  # noqa: E402

from tracker.db import make_engine  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" type="hidden" value="([^"]+)"')
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')
LANGUAGES = ("en", "zh_Hans", "zh_Hant", "ug", "bo")
REPORT = [("tactics", "coercion_by_proxy"), ("tactics", "information_demand"), ("channels", "wechat"),
          ("event_date", "2024-05-17"), ("event_date_precision", "month"), ("place_text", "Kashgar"),
          ("origin_country", "CN"), ("host_country", "DE"), ("consent_statistics", "y"),
          ("relatives-0-relationship_type", "parent"), ("relatives-0-statuses", "questioned"),
          ("relatives-0-dates-questioned", "2019-03"), ("relatives-0-statuses", "detained_administrative"),
          ("relatives-0-dates-detained_administrative", "2019"),
          ("narrative", "They called my mother and asked about my friends abroad. " * 8)]


def bare_app() -> Flask:
    """The floor: one INSERT into SQLite per POST, same engine settings as the tracker's."""
    app = Flask(__name__)
    engine = make_engine(os.environ["BENCH_BARE_URL"])

    @app.post("/insert")
    def insert():
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO note (body) VALUES (:body)"), {"body": request.form["body"]})
        return "ok"

    return app


# The sealed values of the benchmark's report: the narrative and the place as typed (report.*),
# and the place again on its Location row, which keeps the text for geocoding (DESIGN §3).
REQUIRED_SEALED = (("report.narrative", "narrative"), ("report.place_text", "place_text"),
                   ("location.raw_text", "place_text"))
INSERT_SUBMISSION = text("INSERT INTO submission (idempotency, receipt, reporter_key, fields, sealed0, sealed1, "
                         "sealed2) VALUES (:idempotency, :receipt, :reporter_key, :fields, :sealed0, :sealed1, "
                         ":sealed2)")


def required_app() -> Flask:
    """The required-work floor: what the design makes every submission do, and nothing else.

    One POST: the retry token's keyed digest, the receipt derived from it (a keyed MAC), the
    receipt's keyed Argon2id digest (tracker.crypto, the same profile), the reporter's public key
    derived from the receipt (tracker.intake.reporter_key), each personal field sealed to an
    organisation public key (X25519 + HKDF + AES-GCM, tracker.sealed_box), and one INSERT of all
    of it with the other fields in SQLite with the tracker's engine settings (WAL,
    synchronous=FULL: an fsync per commit); the response is the receipt. Keys are fresh random
    ones: the cost of the crypto does not depend on them.
    """
    from tracker import sealed_box
    from tracker.crypto import Sealer
    from tracker.intake.receipts import idempotency_digest, receipt_from_token
    from tracker.intake.reporter_key import reporter_public_key

    app = Flask(__name__)
    engine = make_engine(os.environ["BENCH_BARE_URL"])
    sealer = Sealer({"k1": secrets.token_bytes(32)}, "k1", secrets.token_bytes(32))
    sealer.set_organisation_key("org-bench", sealed_box.public_bytes(sealed_box.new_private_key()))
    sealed_names = {name for _, name in REQUIRED_SEALED}

    @app.post("/required")
    def required():
        form = request.form
        token = form["idempotency_key"]
        receipt = receipt_from_token(sealer, token)
        row = {"idempotency": idempotency_digest(sealer, token), "receipt": sealer.receipt_digest(receipt),
               "reporter_key": reporter_public_key(sealer, receipt),
               "fields": json.dumps([[name, value] for name, value in form.items(multi=True)
                                     if name not in sealed_names and name != "idempotency_key"]),
               **{f"sealed{i}": sealer.seal_text(purpose, form[name])
                  for i, (purpose, name) in enumerate(REQUIRED_SEALED)}}
        with engine.begin() as connection:
            connection.execute(INSERT_SUBMISSION, row)
        return f'<p id="receipt-code">{receipt}</p>'

    return app


def create_floor_tables(url: str) -> None:
    """The bare floor's table and the required-work floor's, in their own SQLite file."""
    with make_engine(url).begin() as connection:
        connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
        connection.execute(text(
            "CREATE TABLE submission (id INTEGER PRIMARY KEY, idempotency TEXT NOT NULL UNIQUE, "
            "receipt TEXT NOT NULL UNIQUE, reporter_key BLOB NOT NULL, fields TEXT NOT NULL, "
            "sealed0 BLOB, sealed1 BLOB, sealed2 BLOB)"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app_spec: str, env: dict, folder: Path, workers: int,
                   root: Path = ROOT) -> tuple[subprocess.Popen, int]:
    """gunicorn on 127.0.0.1 only, no access log (DESIGN §2), with the gunicorn.conf.py and code
    of the checkout ``root``; waits until it answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", str(root / "gunicorn.conf.py"), "-w", str(workers),
               "-b", f"127.0.0.1:{port}",
               "--error-logfile", str(folder / "gunicorn.log"), "--chdir", str(root), app_spec]
    process = subprocess.Popen(command, env={**os.environ, **env})
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start; see {folder / 'gunicorn.log'}")


class Client:
    """One keep-alive HTTP client with its own session cookie, like one browser."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.csrf = ""  # the session's CSRF token, once a form was loaded

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        payload = response.read().decode("utf-8", "replace")
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, payload


def load_form(client: Client) -> str:
    """GET the form; remember its CSRF token on the client (it stays valid for the session)."""
    _, page = client.request("GET", "/report")
    client.csrf = CSRF.search(page).group(1)
    return page


def post_report(client: Client, retry_token: str) -> bool:
    """POST a report with a retry token; True when a receipt came back."""
    fields = [("csrf_token", client.csrf), ("idempotency_key", retry_token), *REPORT]
    status, body = client.request("POST", "/report", urllib.parse.urlencode(fields))
    return status == 200 and 'id="receipt-code"' in body


def submit(client: Client) -> bool:
    """One new report from a browser that already has the form's session."""
    if not client.csrf:
        load_form(client)
    return post_report(client, secrets.token_urlsafe(24))


def form_cycle(client: Client) -> bool:
    """GET the form, POST a report with its tokens: one person's whole visit."""
    page = load_form(client)
    return post_report(client, KEY.search(page).group(1))


def insert_required(client: Client) -> bool:
    """The report's fields, POSTed to the required-work floor with a fresh retry token."""
    fields = [("idempotency_key", secrets.token_urlsafe(24)), *REPORT]
    status, body = client.request("POST", "/required", urllib.parse.urlencode(fields))
    return status == 200 and 'id="receipt-code"' in body


def insert_bare(client: Client) -> bool:
    status, _ = client.request("POST", "/insert", "body=" + "x" * 400)
    return status == 200


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's workers (Linux /proc):
    the live ones' own, plus what the master has reaped from workers that exited (gunicorn.conf.py's
    max_requests replaces a worker every ~2,000 requests, which a fast case reaches within a round)."""
    def times(pid: int | str, first: int) -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[first]) + int(fields[first + 1])

    total = times(master, 13)  # cutime, cstime (fields 16 and 17 of stat): reaped workers
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        with contextlib.suppress(FileNotFoundError):  # a worker that just exited
            total += times(child, 11)  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def drive(port: int, action, clients: int, seconds: float) -> float:
    """Run ``action`` from concurrent clients for a fixed time; return successes per second."""
    return drive_counted(port, action, clients, seconds)[0]


def drive_counted(port: int, action, clients: int, seconds: float) -> tuple[float, int]:
    """``drive``, also returning how many successes there were."""
    counts = [0] * clients
    failures = [0] * clients
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        client = Client(port)
        while time.perf_counter() < deadline:
            if action(client):
                counts[index] += 1
            else:
                failures[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sum(failures):
        print(f"  ({sum(failures)} failed requests)")
    return sum(counts) / (time.perf_counter() - started), sum(counts)


def prepare_instance(folder: Path, limits_storage: str | None = None) -> dict:
    """A fresh instance (keys, schema) and the environment its gunicorn workers need."""
    env = {
        "TRACKER_DATABASE_URL": f"sqlite:///{folder / 'tracker.sqlite3'}",
        "TRACKER_EVIDENCE_FOLDER": str(folder / "evidence"),
        "TRACKER_INIT_KEYS": "1",
        # Raised so that the run measures the work of a submission, not the limiter's refusals.
        "TRACKER_INTAKE_SUBMIT_LIMIT": "1000000 per minute",
        "TRACKER_INTAKE_SUBMIT_GLOBAL_LIMIT": "1000000 per minute",
    }
    if limits_storage:  # e.g. Redis, which several workers need to share one budget
        env["TRACKER_RATELIMIT_STORAGE_URI"] = limits_storage
        env["TRACKER_RATELIMIT_KEY_PREFIX"] = f"bench-intake-{os.getpid()}"
    os.environ.update(env)
    from sqlmodel import SQLModel

    import tracker.models  # noqa: F401 - registers the tables
    from tracker import create_app

    from tracker import orgkey
    from tracker.db import get_session

    app = create_app(instance_path=str(folder / "instance"))
    SQLModel.metadata.create_all(app.extensions["tracker.engine"])
    with app.app_context():  # personal data is sealed to the organisation key: make one
        session = get_session()
        orgkey.create_organisation_key(session)
        session.commit()
    env["TRACKER_INIT_KEYS"] = "0"  # the workers must use the keys just made
    return {**env, "INSTANCE": str(folder / "instance")}, app


def receipt_digest_ms(app, repeat: int = 20) -> float:
    """Milliseconds per keyed Argon2id receipt digest (the deliberate cost of each receipt)."""
    sealer = app.extensions["tracker.sealer"]
    started = time.perf_counter()
    for i in range(repeat):
        sealer.receipt_digest(f"ABCD-EFGH-JKMN-{i:04d}")
    return (time.perf_counter() - started) / repeat * 1000


def form_transfer_bytes(port: int, language: str, add_relative: bool = False) -> int:
    """Bytes of the form page in one language and every stylesheet and script it loads.

    With ``add_relative`` the page is the one "Add a relative" returns, one relative's block open.
    """
    client = Client(port)
    _, page = client.request("GET", f"/report?lang={language}")
    if add_relative:
        fields = [("csrf_token", CSRF.search(page).group(1)), ("idempotency_key", KEY.search(page).group(1)),
                  ("add_relative", "y")]
        _, page = client.request("POST", "/report", urllib.parse.urlencode(fields))
    assets = ASSET.findall(page)
    return len(page.encode()) + sum(len(client.request("GET", asset)[1].encode()) for asset in assets)


def stages() -> list[tuple[str, object, str]]:
    """Stages of one POST /report: (label, owner, attribute) of the function whose wall time is
    the stage. Indented stages run inside the one above them."""
    import flask
    import flask_wtf.csrf
    import wtforms.form
    from sqlalchemy.engine import Connection
    from sqlalchemy.engine.default import DefaultDialect
    from sqlalchemy.orm import Session

    import tracker.audit
    import tracker.crypto
    import tracker.intake.submission
    import tracker.intake.views
    import tracker.intake.throttle

    return [
        ("the whole request (Flask)", flask.Flask, "wsgi_app"),
        ("  rate limits (per form pass and global: limits.admit)", tracker.intake.throttle, "admit"),
        ("  CSRF check (Flask-WTF)", flask_wtf.csrf.CSRFProtect, "protect"),
        ("  reading the posted form (posted.py)", tracker.intake.views, "posted_report"),
        ("  WTForms forms built (only to show the form again)", wtforms.form.FormMeta, "__call__"),
        ("  validation (ReportCreate)", tracker.intake.views, "report_from_form"),
        ("  submit_report", tracker.intake.views, "submit_report"),
        ("    receipt digest (Argon2id)", tracker.crypto.Sealer, "receipt_digest"),
        ("    sealing the personal values (before any write)", tracker.intake.submission, "sealed_values"),
        ("    place (offline geocoding)", tracker.intake.submission, "_place_of"),
        ("    rows: location, report, codes, relative (models.direct)", tracker.intake.submission,
         "insert_returning_id"),
        ("    rows: location, report, codes, relative (models.direct)", tracker.intake.submission, "insert_rows"),
        ("    statements through SQLAlchemy (none left on this path)", Connection, "execute"),
        ("    audit event (chain read, insert returning its id)", tracker.audit, "record_many"),
        ("    ORM flushes (inside the stages above too)", Session, "flush"),
        ("    commit (SQLite, synchronous=FULL: fsync)", DefaultDialect, "do_commit"),
        ("    replay memory (one Redis round trip)", tracker.intake.submission, "_remember_receipt"),
        ("  receipt page (Jinja)", tracker.intake.views, "render_template"),
    ]


def timed(function, totals: dict, label: str):
    """``function``, adding its wall and CPU time to ``totals[label]`` (outermost call only)."""
    depth = [0]

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        depth[0] += 1
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            depth[0] -= 1
            if not depth[0]:
                totals[label][0] += time.perf_counter() - started
                totals[label][1] += time.thread_time() - cpu
    return wrapper


def profile_submissions(app, count: int) -> None:
    """Send ``count`` reports in-process, timing each stage; print milliseconds per POST.

    Plain timers around a dozen functions, not a profiler, so the figures are the real ones
    (a profiler's per-call overhead inflates Python-heavy stages several times over)."""
    client = app.test_client()
    page = client.get("/report").get_data(as_text=True)
    csrf = CSRF.search(page).group(1)

    def post() -> None:
        fields = [("csrf_token", csrf), ("idempotency_key", secrets.token_urlsafe(24)), *REPORT]
        response = client.post("/report", data=urllib.parse.urlencode(fields),
                               content_type="application/x-www-form-urlencoded")
        assert b'id="receipt-code"' in response.data, response.status_code

    for _ in range(5):  # warm-up: imports, caches
        post()
    gc.freeze()  # as gunicorn.conf.py does before forking each worker: the loaded app is not scanned
    totals = {label: [0.0, 0.0] for label, _, _ in stages()}  # a label may time several functions
    with contextlib.ExitStack() as patches:
        for label, owner, name in stages():
            patches.enter_context(mock.patch.object(owner, name, timed(getattr(owner, name), totals, label)))
        cpu = time.process_time()
        for _ in range(count):
            post()
        cpu = time.process_time() - cpu
    print(f"where one POST /report goes ({count} in-process, one thread; load average {os.getloadavg()[0]:.2f};"
          f" CPU {cpu / count * 1000:.1f} ms a POST):")
    print(f"  {'':58} {'wall':>6}    {'CPU':>6}")
    for label in totals:
        wall, cpu_time = totals[label]
        print(f"  {label:58} {wall / count * 1000:6.1f} ms {cpu_time / count * 1000:6.1f} ms")
    def required_post(client):
        body = urllib.parse.urlencode([("idempotency_key", secrets.token_urlsafe(24)), *REPORT])
        return client.post("/required", data=body, content_type="application/x-www-form-urlencoded")

    for label, floor_post in [("bare floor", lambda client: client.post("/insert", data={"body": "x" * 400})),
                              ("required-work floor", required_post)]:
        client = (bare_app() if label == "bare floor" else required_app()).test_client()
        floor_cpu, floor_wall = time.process_time(), time.perf_counter()
        for _ in range(count):
            floor_post(client)
        floor_cpu, floor_wall = time.process_time() - floor_cpu, time.perf_counter() - floor_wall
        print(f"the {label}, the same way: {floor_wall / count * 1000:.1f} ms a POST, CPU "
              f"{floor_cpu / count * 1000:.1f} ms; CPU floor / submission {floor_cpu / cpu:.2f}")


def interleaved(env: dict, spec: str, floor_env: dict, folder: Path, args) -> None:
    """Every server started at once, then driven in turn, ``--seconds`` each, ``--slices`` times:
    a slow spell on a shared machine hits each case in the same slice, so the ratio of each slice
    holds where rates measured minutes apart do not. With ``--against DIR`` another checkout's
    tracker (its code and gunicorn.conf.py, on the same database) runs beside this one."""
    servers = {"submit": (ROOT, spec, submit, env)}
    if args.against:
        servers["against"] = (Path(args.against).resolve(), spec, submit, env)
    servers["required"] = (ROOT, "benchmarks.bench_intake:required_app()", insert_required, floor_env)
    started = {name: start_gunicorn(app_spec, extra, folder, args.workers, root)
               for name, (root, app_spec, _, extra) in servers.items()}
    rates: dict[str, list[float]] = {name: [] for name in servers}
    cpu_ms: dict[str, list[float]] = {name: [] for name in servers}
    try:
        for name, (_, port) in started.items():
            drive(port, servers[name][2], args.clients, 2)  # warm-up
        for _ in range(args.slices):
            for name, (process, port) in started.items():
                cpu = workers_cpu(process.pid)
                rate, count = drive_counted(port, servers[name][2], args.clients, args.seconds)
                rates[name].append(rate)
                cpu_ms[name].append((workers_cpu(process.pid) - cpu) / max(count, 1) * 1000)
    finally:
        for process, _ in started.values():
            process.terminate()
            process.wait(timeout=30)
    print(f"{args.slices} slices of {args.seconds:g} s each; load average now {os.getloadavg()[0]:.2f}")
    for name in servers:
        label = {"submit": "this checkout", "against": f"{args.against}", "required": "required-work floor"}[name]
        line = (f"{label:28} submissions/s median {statistics.median(rates[name]):6.1f}, "
                f"workers' CPU {statistics.median(cpu_ms[name]):.2f} ms a success")
        if name != "required":
            by_rate = [rate / floor for rate, floor in zip(rates[name], rates["required"], strict=True)]
            by_cpu = [floor / cpu for cpu, floor in zip(cpu_ms[name], cpu_ms["required"], strict=True)]
            line += (f"; / required, per slice: rate {statistics.median(by_rate):.2f} "
                     f"({min(by_rate):.2f}-{max(by_rate):.2f}), CPU {statistics.median(by_cpu):.2f} "
                     f"({min(by_cpu):.2f}-{max(by_cpu):.2f}) (aim 0.7)")
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1, help="alternate the cases this many times; medians")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn workers for both servers (2: one per core; gunicorn.conf.py runs 4)")
    parser.add_argument("--limits-storage", metavar="URI", default="redis://127.0.0.1:6379/0",
                        help="RATELIMIT_STORAGE_URI for the tracker (default: %(default)s; gunicorn.conf.py "
                             "refuses memory:// with more than one worker, whose limits would not be shared)")
    parser.add_argument("--profile", type=int, metavar="N", help="profile N in-process submissions instead")
    parser.add_argument("--slices", type=int, metavar="N",
                        help="instead of rounds: start every server at once and drive them in turn, N times "
                             "(--seconds each); prints each slice's ratio to the floor, median and range")
    parser.add_argument("--against", metavar="DIR",
                        help="with --slices: also run the tracker of another checkout (e.g. a `git worktree` "
                             "of an earlier commit) on the same database, for a before/after in one run")
    args = parser.parse_args()
    if args.against and not args.slices:
        parser.error("--against needs --slices")
    if args.limits_storage.startswith("memory://") and args.workers > 1:
        parser.error("--limits-storage memory:// needs --workers 1 (each worker would count on its own)")
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        folder = Path(tmp)
        load_before = f"{os.getloadavg()[0]:.2f}"  # the machine may be shared: say how busy it was
        env, app = prepare_instance(folder, args.limits_storage)
        bare_url = f"sqlite:///{folder / 'bare.sqlite3'}"
        create_floor_tables(bare_url)
        if args.profile:
            os.environ["BENCH_BARE_URL"] = bare_url
            profile_submissions(app, args.profile)
            return
        print(f"receipt digest (Argon2id, keyed): {receipt_digest_ms(app):.1f} ms each")
        spec = f"tracker:create_app(instance_path={json.dumps(env.pop('INSTANCE'))})"
        if args.slices:
            interleaved(env, spec, {"BENCH_BARE_URL": bare_url}, folder, args)
            return
        results: dict[str, list[float]] = {"submit": [], "cycle": [], "required": [], "floor": []}
        cpu_ms: dict[str, list[float]] = {name: [] for name in results}  # workers' CPU per success
        floor_env = {"BENCH_BARE_URL": bare_url}
        cases = [("submit", spec, submit, env), ("cycle", spec, form_cycle, env),
                 ("required", "benchmarks.bench_intake:required_app()", insert_required, floor_env),
                 ("floor", "benchmarks.bench_intake:bare_app()", insert_bare, floor_env)]
        # Rounds alternate the cases, so a busy spell on a shared machine hits all of them.
        for _ in range(args.rounds):
            for name, app_spec, action, extra in cases:
                process, port = start_gunicorn(app_spec, extra, folder, args.workers)
                try:
                    drive(port, action, args.clients, 2)  # warm-up: imports, caches, first pages
                    cpu = workers_cpu(process.pid)
                    rate, count = drive_counted(port, action, args.clients, args.seconds)
                    results[name].append(rate)
                    cpu_ms[name].append((workers_cpu(process.pid) - cpu) / max(count, 1) * 1000)
                    if name == "submit":
                        sizes = {language: (form_transfer_bytes(port, language),
                                            form_transfer_bytes(port, language, True)) for language in LANGUAGES}
                finally:
                    process.terminate()
                    process.wait(timeout=30)
        report_rates(results, cpu_ms, load_before)
        print("reporter form transfer (HTML + CSS + JS, aim < 50 KB): as first loaded / with a relative's block")
        for language, (first, with_relative) in sizes.items():
            print(f"  {language:8} {first / 1024:5.1f} KB / {with_relative / 1024:5.1f} KB")


def report_rates(results: dict[str, list[float]], cpu_ms: dict[str, list[float]], load_before: str) -> None:
    """Each case's rate per round and median, and the ratios of the medians to both floors; then
    the workers' CPU per success, which a busy machine disturbs far less than the rates."""
    print(f"load average before / after: {load_before} / {os.getloadavg()[0]:.2f}")
    required, bare = statistics.median(results["required"]), statistics.median(results["floor"])
    for name, label in [("submit", "report submissions/s (POST /report)"),
                        ("cycle", "form cycles/s (GET form + POST report)"),
                        ("required", "required-work floor/s (crypto + 1 row)"),
                        ("floor", "bare insert floor/s (POST, one row)")]:
        rounds = " ".join(f"{rate:.1f}" for rate in results[name])
        median = statistics.median(results[name])
        ratios = "" if name == "floor" else f"   / bare {median / bare:.2f}"
        if name in ("submit", "cycle"):
            ratios += f"   / required {median / required:.2f}" + (" (aim 0.7)" if name == "submit" else "")
        print(f"{label:40} median {median:6.1f} (rounds: {rounds}){ratios}")
    required_cpu = statistics.median(cpu_ms["required"])
    print("gunicorn workers' CPU per success (median ms): "
          + ", ".join(f"{name} {statistics.median(cpu_ms[name]):.1f}" for name in cpu_ms)
          + f"; required / submit {required_cpu / statistics.median(cpu_ms['submit']):.2f}")


if __name__ == "__main__":
    main()
