"""No acknowledged report is lost or doubled when workers are killed during a burst of submissions.

Starts the app under gunicorn (several sync workers, gunicorn.conf.py, 127.0.0.1 only), sends a
bounded burst of concurrent reports to POST /api/v1/reports, each with its own Idempotency-Key,
and SIGKILLs random workers while it runs (the master starts new ones). Every other report is
sent as multipart with a small evidence file. A client whose request fails retries with the same
key, as the API asks. Then it checks that every acknowledged report is in the database exactly
once, that every acknowledged file has its one evidence row and a sealed file on disk that opens
to the bytes sent (SHA-256 as recorded), and that the database passes its integrity check. Files
on disk that no row names (a worker killed between writing and committing) are counted: they
hold nothing acknowledged, and `retention run` sweeps them.

    python benchmarks/fault_tolerance.py --database sqlite
    python benchmarks/fault_tolerance.py --database postgresql
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tracker.models  # noqa: E402,F401 - registers every table
from tracker.config import generate_keys  # noqa: E402
from tracker.crypto import SealError, Sealer  # noqa: E402
from tracker.db import make_engine  # noqa: E402
from tracker.evidence_store import FolderStore  # noqa: E402
from tracker.intake.evidence import evidence_files, read_evidence  # noqa: E402
from tracker.models import Evidence, Report  # noqa: E402

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_database(kind: str, folder: Path) -> tuple[str, callable]:
    """A fresh database URL with the schema, and a function that removes it afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        return url, lambda: None
    name = f"tracker_bench_{secrets.token_hex(4)}"
    admin = create_engine(make_url(POSTGRES_SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return url, drop


def start_server(url: str, keys: dict, folder: Path, port: int, workers: int) -> subprocess.Popen:
    """gunicorn with the project's config file, rate limits lifted for the burst."""
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": keys["SECRET_KEY"],
           "TRACKER_DATA_KEYS": json.dumps(keys["DATA_KEYS"]), "TRACKER_ACTIVE_DATA_KEY": keys["ACTIVE_DATA_KEY"],
           "TRACKER_INDEX_KEY": keys["INDEX_KEY"], "TRACKER_EVIDENCE_FOLDER": str(folder / "evidence"),
           "TRACKER_RATELIMIT_ENABLED": "false", "TRACKER_BIND": f"127.0.0.1:{port}",
           "TRACKER_WORKERS": str(workers)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                               "tracker:create_app()"], cwd=ROOT, env=env,
                              stderr=open(folder / "gunicorn.log", "wb"))
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            status, _body, _headers = request(port, "GET", "/healthz", None, {})
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start:\n" + (folder / "gunicorn.log").read_text()[:4000])


def request(port: int, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes, dict]:
    """One HTTP request on a new connection (a killed worker resets it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def evidence_bytes(key: str) -> bytes:
    """The small text file a report with evidence carries, unique to its report."""
    return f"Notes for {key}: the police called my father again.\n".encode()


def multipart(report: bytes, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with the report's JSON and one evidence file."""
    boundary = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="report"\r\n'
             f"Content-Type: application/json\r\n\r\n".encode() + report + b"\r\n",
             f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="{filename}"\r\n'
             f"Content-Type: text/plain\r\n\r\n".encode() + data + b"\r\n",
             f"--{boundary}--\r\n".encode()]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def submit(port: int, run: str, number: int, retries: int) -> tuple[str, str | None]:
    """Send one report (every other one with a file), retrying with the same key on failure;
    (key, outcome or None)."""
    key = f"bench-{run}-{number:05d}-{secrets.token_hex(8)}"
    body = json.dumps({"submitter_role": "self", "targets": ["me"], "community": "uyghur",
                       "tactics": ["coercion_by_proxy"], "origin_country": "CN", "host_country": "TR",
                       "narrative": f"fault-tolerance {run} #{number}", "consent_statistics": True}).encode()
    content_type = "application/json"
    if with_evidence(key):
        body, content_type = multipart(body, "notes.txt", evidence_bytes(key))
    headers = {"Content-Type": content_type, "Idempotency-Key": key}
    for _attempt in range(retries + 1):
        try:
            status, _payload, _headers = request(port, "POST", "/api/v1/reports", body, headers)
        except (OSError, http.client.HTTPException):  # reset, or cut mid-answer (IncompleteRead)
            continue
        if status == 201:
            return key, "created"
        if status == 409:  # stored by an attempt whose answer was lost with its worker
            return key, "already"
    return key, None


def with_evidence(key: str) -> bool:
    """Whether this report carries a file: every other one, by its number."""
    return int(key.split("-")[2]) % 2 == 0


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def kill_workers(master: int, stop: threading.Event, interval: float, killed: list[int]) -> None:
    """SIGKILL one random worker every ``interval`` seconds until told to stop."""
    while not stop.wait(interval):
        pids = worker_pids(master)
        if pids:
            victim = pids[secrets.randbelow(len(pids))]
            try:
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
            except ProcessLookupError:
                pass


def check_database(url: str, keys: dict, acknowledged: list[str], evidence_folder: Path) -> dict:
    """Each acknowledged key exactly once, no doubled narrative, each acknowledged file stored and
    intact, and the engine's integrity check."""
    sealer = Sealer.from_config(keys)
    engine = make_engine(url, sealer)
    with Session(engine) as session:
        rows = session.exec(select(Report.id, Report.idempotency_key, Report.narrative)).all()
        files = session.exec(select(Evidence)).all()
    stored_keys = [key for _id, key, _narrative in rows]
    narratives = [narrative for _id, _key, narrative in rows]
    digests = {sealer.token_digest("report.idempotency", key): key for key in acknowledged}
    found = sum(1 for digest in digests if stored_keys.count(digest) == 1)
    report_key = {report_id: digests.get(key) for report_id, key, _narrative in rows}
    by_report: dict[int, list[Evidence]] = {}
    for item in files:
        by_report.setdefault(item.report_id, []).append(item)
    files_expected = [key for key in acknowledged if with_evidence(key)]
    files_intact = 0
    for report_id, key in report_key.items():
        if key is None or not with_evidence(key):
            continue
        items, sent = by_report.get(report_id, []), evidence_bytes(key)
        if len(items) == 1 and items[0].sha256 == hashlib.sha256(sent).hexdigest():
            files_intact += stored_file(items[0], evidence_folder, sealer) == sent
    named = {name for item in files for name in evidence_files(item)}
    on_disk = {path.name for path in evidence_folder.iterdir()} if evidence_folder.exists() else set()
    result = {"rows": len(rows), "found": found, "duplicates": len(narratives) - len(set(narratives)),
              "files_expected": len(files_expected), "files_intact": files_intact,
              "orphan_files": len(on_disk - named), "integrity": integrity(engine)}
    engine.dispose()
    return result


def stored_file(item: Evidence, folder: Path, sealer: Sealer) -> bytes | None:
    """The file as stored, opened; None if it is missing or does not open."""
    try:
        return read_evidence(item.stored_name, store=FolderStore(None, folder), sealer=sealer)
    except (OSError, SealError):
        return None


def integrity(engine) -> str:
    """SQLite's integrity_check, or amcheck's B-tree check of every index on PostgreSQL."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return connection.exec_driver_sql("PRAGMA integrity_check").scalar()
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = connection.exec_driver_sql(
            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = 'public'").scalars().all()
        for oid in indexes:
            connection.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        connection.commit()
        return f"ok ({len(indexes)} indexes, heap included)"


def run(kind: str, submissions: int, workers: int, concurrency: int, kill_every: float, retries: int) -> None:
    """One full run on one engine; prints the figures."""
    keys = generate_keys()
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        folder = Path(tmp)
        url, drop = make_database(kind, folder)
        port = free_port()
        server = start_server(url, keys, folder, port, workers)
        stop, killed = threading.Event(), []
        killer = threading.Thread(target=kill_workers, args=(server.pid, stop, kill_every, killed))
        try:
            _status, _body, headers = request(port, "GET", "/", None, {})
            started = time.monotonic()
            killer.start()
            run_id = secrets.token_hex(3)
            with ThreadPoolExecutor(concurrency) as pool:
                outcomes = list(pool.map(lambda n: submit(port, run_id, n, retries), range(submissions)))
            elapsed = time.monotonic() - started
        finally:
            stop.set()  # also on failure: a killer left running would keep the script alive
            if killer.is_alive():
                killer.join()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        acknowledged = [key for key, outcome in outcomes if outcome]
        checked = check_database(url, keys, acknowledged, folder / "evidence")
        drop()
    print(f"{kind:10} sent={submissions} acknowledged={len(acknowledged)} found={checked['found']} "
          f"duplicates={checked['duplicates']} rows={checked['rows']} "
          f"files_acknowledged={checked['files_expected']} files_intact={checked['files_intact']} "
          f"orphan_files={checked['orphan_files']} workers_killed={len(killed)} "
          f"integrity={checked['integrity']} seconds={elapsed:.1f} server_header={headers.get('Server')!r}")
    if checked["found"] != len(acknowledged) or checked["duplicates"]:
        raise SystemExit("FAILED: an acknowledged report is missing or doubled")
    if checked["files_intact"] != checked["files_expected"]:
        raise SystemExit("FAILED: an acknowledged evidence file is missing, doubled or altered")


def main() -> None:
    """Parse the options and run on the chosen engines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--submissions", type=int, default=400)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--kill-every", type=float, default=0.5, help="seconds between SIGKILLs")
    parser.add_argument("--retries", type=int, default=5)
    args = parser.parse_args()
    for kind in (["sqlite", "postgresql"] if args.database == "both" else [args.database]):
        run(kind, args.submissions, args.workers, args.concurrency, args.kill_every, args.retries)


if __name__ == "__main__":
    main()
