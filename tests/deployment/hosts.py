"""Two app hosts as the README's "Several app hosts" section sets them up: one instance folder
each (keys.json copied from the first, config.py naming the shared PostgreSQL, Redis and the
database evidence store), each served by gunicorn with the project's gunicorn.conf.py.

Each host runs in a process group of its own, so a test can kill a whole host (master and
workers) at once, as a machine that dies would. Clients speak plain HTTP on new connections.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from tracker.config import write_keys_file

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RETRY_TOKEN = re.compile(r'id="idempotency_key" name="idempotency_key" type="hidden" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt-code">([0-9A-Z-]+)<')


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_instance(folder: Path, keys: dict, settings: dict) -> None:
    """The first host's instance folder: its secrets and a config.py of plain assignments."""
    write_keys_file(str(folder), keys)
    lines = [f"{name} = {value!r}" for name, value in settings.items()]
    (folder / "config.py").write_text("\n".join(lines) + "\n")


def copy_instance(source: Path, target: Path) -> None:
    """Another host's instance folder: the same keys.json (mode 0600 kept) and config.py."""
    target.mkdir(mode=0o700)
    for name in ("keys.json", "config.py"):
        shutil.copy2(source / name, target / name)


class Host:
    """One app host: gunicorn (project config) over one instance folder, on its own port."""

    def __init__(self, name: str, instance: Path, workers: int, log_folder: Path):
        self.name, self.instance, self.port = name, instance, free_port()
        # Only what gunicorn.conf.py reads comes from the environment; the app reads config.py.
        env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
        env.update(TRACKER_BIND=f"127.0.0.1:{self.port}", TRACKER_WORKERS=str(workers))
        factory = f"tracker:create_app(instance_path={str(instance)!r})"
        self.log = log_folder / f"{name}.log"
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), factory],
            cwd=ROOT, env=env, stderr=open(self.log, "wb"), start_new_session=True)

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"host {self.name} exited:\n{self.log.read_text()[-3000:]}"
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"host {self.name} did not answer:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no graceful anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        """At the end of the tests: nothing is in flight, and a graceful stop took gunicorn ~13 s."""
        if self.process.poll() is None:
            self.kill()


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, bytes, http.client.HTTPMessage]:
    """One request on a new connection; OSError if the host is gone."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    finally:
        connection.close()


def multipart(fields: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
              f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
              for name, (filename, data) in files.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Browser:
    """A browser with its own cookie jar, which may talk to either host (one site behind a balancer)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def send(self, host: Host, method: str, path: str, form: dict | None = None,
             files: dict[str, tuple[str, bytes]] | None = None) -> tuple[int, str, http.client.HTTPMessage]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if files:
            body, headers["Content-Type"] = multipart(form or {}, files)
        elif form is not None:
            body, headers["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        status, raw, response_headers = request(host.port, method, path, body, headers)
        for header in response_headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return status, raw.decode(errors="replace"), response_headers

    def csrf(self, host: Host, path: str) -> str:
        return CSRF.search(self.send(host, "GET", path)[1]).group(1)

    def report_form(self, host: Host, narrative: str) -> dict:
        """The report form loaded from ``host`` and filled in (its CSRF and retry tokens kept)."""
        page = self.send(host, "GET", "/report")[1]
        return {"csrf_token": CSRF.search(page).group(1), "idempotency_key": RETRY_TOKEN.search(page).group(1),
                "narrative": narrative}

    def post_report(self, host: Host, form: dict, file: bytes | None = None) -> str:
        """Send a filled-in report form to ``host``; the receipt shown."""
        status, text, _ = self.send(host, "POST", "/report", form, {"evidence": ("note.txt", file)} if file else None)
        match = RECEIPT.search(text)
        assert status == 200 and match, (status, text[:500])
        return match.group(1)

    def send_report(self, host: Host, narrative: str, file: bytes | None = None) -> str:
        """Fill in the report form on ``host`` and send it there; the receipt shown."""
        return self.post_report(host, self.report_form(host, narrative), file)

    def open_receipt(self, host: Host, receipt: str) -> int:
        """Type a receipt on ``host``'s receipt page: 302 opens the report, 404 a wrong one, 429 limited."""
        return self.send(host, "POST", "/receipt", {"csrf_token": self.csrf(host, "/receipt"), "receipt": receipt})[0]

    def sign_in(self, host: Host, email: str, password: str, otp: str) -> int:
        form = {"csrf_token": self.csrf(host, "/staff/login"), "email": email, "password": password, "otp": otp}
        return self.send(host, "POST", "/staff/login", form)[0]


def api(host: Host, method: str, path: str, token: str, payload: dict | None = None) -> tuple[int, dict]:
    """A staff API call with a bearer token."""
    body = json.dumps(payload).encode() if payload is not None else None
    status, raw, _ = request(host.port, method, f"/api/v1{path}", body,
                             {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    return status, json.loads(raw) if raw.startswith(b"{") or raw.startswith(b"[") else {}
