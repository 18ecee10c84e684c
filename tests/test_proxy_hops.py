"""The app behind a real proxy hop: nginx in front of gunicorn on loopback ports (issue 16, item 2),
with the proxy settings of the documented sample (docs/deploy/nginx-tls.conf).

Clients bind their own loopback source addresses (127.0.0.2, 127.0.0.3...), so nginx sees
distinct peers and appends each to X-Forwarded-For; the app trusts exactly one hop. Clients on
127.0.0.1 stand for an onion service's visitors, who all arrive from the local Tor daemon.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import TEST_KEYS

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRONG = "ABCD-EFGH-JKMN-PQRS"
LIMITS = {"INTAKE_RECEIPT_LIMIT": "3 per minute", "INTAKE_RECEIPT_ADDRESS_LIMIT": "5 per minute",
          "INTAKE_RECEIPT_GLOBAL_LIMIT": "60 per minute", "INTAKE_SUBMIT_LIMIT": "2 per minute",
          "INTAKE_SUBMIT_ADDRESS_LIMIT": "4 per minute", "INTAKE_SUBMIT_GLOBAL_LIMIT": "60 per minute"}

pytestmark = pytest.mark.skipif(not Path(NGINX).exists() and os.environ.get("CI") != "true",
                                reason="nginx is not installed (apt-get install nginx-light; CI requires it)")

SAMPLE = ROOT / "docs" / "deploy" / "nginx-tls.conf"
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  server_tokens off;
  client_body_temp_path {run}/body; proxy_temp_path {run}/proxy; fastcgi_temp_path {run}/fastcgi;
  uwsgi_temp_path {run}/uwsgi; scgi_temp_path {run}/scgi;
  server {{
    listen 127.0.0.1:{port};
{proxy}
  }}
}}
"""


def documented_proxy_settings(upstream: int) -> str:
    """The ``location`` block of docs/deploy/nginx-tls.conf, pointed at this test's gunicorn."""
    text = SAMPLE.read_text()
    block = text[text.index("# BEGIN proxy settings"):text.index("# END proxy settings")]
    return block.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture
def servers(app, tmp_path):
    """Start gunicorn (one worker, the project's gunicorn.conf.py) and nginx before it; yield both ports."""
    upstream, port = free_port(), free_port()
    env = {**os.environ, "TRACKER_BIND": f"127.0.0.1:{upstream}", "TRACKER_WORKERS": "1",
           "TRACKER_DATABASE_URL": app.config["DATABASE_URL"], "TRACKER_PROXY_HOPS": "1",
           "TRACKER_SHARED_CLIENT_NETWORKS": "127.0.0.1/32",
           "TRACKER_EVIDENCE_FOLDER": str(tmp_path / "evidence"),
           **{f"TRACKER_{name}": json.dumps(value) if not isinstance(value, str) else value
              for name, value in {**TEST_KEYS, **LIMITS}.items()}}
    instance = tmp_path / "server-instance"
    factory = f"tracker:create_app(instance_path={str(instance)!r})"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", factory],  # noqa: S603
                              cwd=ROOT, env=env)
    run = tmp_path / "nginx"
    run.mkdir()
    conf = NGINX_CONF.format(run=run, port=port, proxy=documented_proxy_settings(upstream))
    (run / "nginx.conf").write_text(conf)
    proxy = subprocess.Popen([NGINX, "-p", str(run), "-c", str(run / "nginx.conf")])  # noqa: S603
    try:
        wait_for(upstream, server)
        wait_for(port, proxy)
        yield port, upstream
    finally:
        for process in (proxy, server):
            process.terminate()
            process.wait(timeout=20)


class Browser:
    """A browser at one loopback source address, with its own cookie jar."""

    def __init__(self, port: int, address: str, **headers: str) -> None:
        self.port, self.address, self.headers, self.cookies = port, address, headers, {}

    def request(self, method: str, path: str, form: dict | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(self.address, 0))
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        connection.close()
        return response

    def form(self, path: str) -> dict:
        page = self.request("GET", path).text
        fields = dict(re.findall(r'name="(csrf_token|idempotency_key)"[^>]*value="([^"]+)"', page))
        fields.update(re.findall(r'id="(idempotency_key)" name="idempotency_key" type="hidden" value="([^"]+)"', page))
        return fields

    def try_receipt(self, receipt: str) -> int:
        return self.request("POST", "/receipt", {**self.form("/receipt"), "receipt": receipt}).status

    def send_report(self) -> http.client.HTTPResponse:
        return self.request("POST", "/report", {**self.form("/report"), "narrative": "They called my mother."})


def receipt_in(response) -> str:
    match = re.search(r'id="receipt-code">([0-9A-Z-]+)<', response.text)
    assert response.status == 200 and match, response.text[:500]
    return match.group(1)


def test_one_client_behind_the_proxy_is_limited_by_its_own_address_whatever_it_claims(proxied):
    receipt = receipt_in(Browser(proxied, "127.0.0.3").send_report())
    # A fresh cookie jar (a new form pass) and a made-up X-Forwarded-For for every attempt.
    statuses = [Browser(proxied, "127.0.0.2", **{"X-Forwarded-For": f"198.51.100.{n}"}).try_receipt(WRONG)
                for n in range(8)]
    assert statuses[:5] == [404] * 5 and set(statuses[5:]) == {429}
    assert Browser(proxied, "127.0.0.4").try_receipt(receipt) == 302
    assert Browser(proxied, "127.0.0.3").try_receipt(receipt) == 302  # the reporter's own address too


def test_every_client_on_one_address_an_attacker_floods_and_honest_reporters_get_through(proxied):
    honest = Browser(proxied, "127.0.0.1")
    receipt = receipt_in(honest.send_report())
    attacker = Browser(proxied, "127.0.0.1")
    wrong = [attacker.try_receipt(WRONG) for _ in range(15)]
    junk = [attacker.send_report().status for _ in range(8)]
    assert set(wrong[3:]) == {429} and set(junk[2:]) == {429}
    assert Browser(proxied, "127.0.0.1").try_receipt(receipt) == 302
    assert receipt_in(Browser(proxied, "127.0.0.1").send_report())


def test_a_client_cannot_claim_https_through_the_proxy(proxied):
    response = Browser(proxied, "127.0.0.2", **{"X-Forwarded-Proto": "https"}).request("GET", "/")
    assert response.status == 200 and response.getheader("Strict-Transport-Security") is None
    assert response.getheader("Server") == "nginx"  # no version from nginx, nothing from gunicorn


@pytest.fixture
def proxied(servers) -> int:
    """nginx's port."""
    return servers[0]


def test_gunicorn_itself_believes_no_forwarded_header():
    """With PROXY_HOPS=0 (Tor straight to gunicorn) no header may set the scheme: gunicorn's own
    default trusts X-Forwarded-Proto from any loopback peer, which the Tor daemon is."""
    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    assert config.forwarded_allow_ips == [] and config.secure_scheme_headers == {}
