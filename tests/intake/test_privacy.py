"""Privacy by construction: nothing about the visitor is kept, nothing loads from elsewhere,
no cookie but the session, and the reporter code never imports staff code."""
from __future__ import annotations

import ast
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import csrf_token

from .helpers import open_report, receipt_of, send_report

ROOT = Path(__file__).resolve().parents[2]
CANARY_ADDRESS = "198.51.100.231"
CANARY_FORWARDED = "203.0.113.77"
CANARY_AGENT = "CanaryBrowser/9.9 (canary-user-agent)"
CANARY_QUERY = "canaryquerystring"
REPORTER_PAGES = ["/", "/report", "/safety", "/receipt", "/exit", "/report?lang=ug", "/report?lang=zh_Hans"]


def visitor(client):
    """Make every request of this client look like one from a traceable visitor."""
    client.environ_base.update({"REMOTE_ADDR": CANARY_ADDRESS, "HTTP_USER_AGENT": CANARY_AGENT,
                                "HTTP_X_FORWARDED_FOR": CANARY_FORWARDED})
    return client


def test_no_address_agent_or_query_string_reaches_the_database_or_logs(app, client, caplog, capfd):
    if make_url(app.config["DATABASE_URL"]).get_backend_name() != "sqlite":
        pytest.skip("scans the SQLite file's bytes; the PostgreSQL run checks the same code paths")
    caplog.set_level(logging.DEBUG)
    visitor(client)
    client.get(f"/report?{CANARY_QUERY}=1")
    receipt = receipt_of(send_report(client, {"narrative": "plain words"}, query_string={CANARY_QUERY: "2"}))
    open_report(client, receipt)
    client.get(f"/my-report?{CANARY_QUERY}=3")
    client.post("/receipt", data={"csrf_token": csrf_token(client, "/receipt"), "receipt": "WRONG"})
    database = Path(make_url(app.config["DATABASE_URL"]).database)
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    captured = caplog.text + "".join(capfd.readouterr())
    for canary in (CANARY_ADDRESS, CANARY_FORWARDED, CANARY_AGENT, "canary-user-agent", CANARY_QUERY):
        assert canary.encode() not in stored, canary
        assert canary not in captured, canary


@pytest.mark.parametrize("url", REPORTER_PAGES)
def test_reporter_pages_forbid_and_reference_no_third_party(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "form-action 'self'" in policy
    assert "http:" not in policy and "https:" not in policy and "*" not in policy
    html = response.get_data(as_text=True)
    for target in re.findall(r'(?:src|href|action)="([^"]*)"', html):
        if target == "data:,":  # the empty icon that stops browsers asking for /favicon.ico
            continue
        assert target.startswith(("/", "?", "#")) and not target.startswith("//"), target
    assert "style=" not in html and "<script" not in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def cookie_names(response) -> set[str]:
    return {header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")}


def test_reporter_pages_set_no_cookie_but_the_session(client):
    seen: set[str] = set()
    for url in REPORTER_PAGES:
        seen |= cookie_names(client.get(url))
    receipt = receipt_of(send_report(client, {"narrative": "x"}))
    seen |= cookie_names(open_report(client, receipt))
    seen |= cookie_names(client.get("/my-report"))
    assert seen <= {"tracker_session"}


def test_the_receipt_never_goes_into_a_cookie_or_url(client):
    response = send_report(client, {})
    receipt = receipt_of(response)
    assert receipt not in " ".join(response.headers.getlist("Set-Cookie"))
    opened = open_report(client, receipt)
    assert receipt not in opened.headers["Location"]
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(client.application)
    cookie = client.get_cookie("tracker_session").value
    assert receipt not in str(serializer.loads(cookie))


def test_quick_exit_page_is_neutral_and_clears_this_sites_data(client):
    response = client.get("/exit")
    assert response.headers["Clear-Site-Data"] == '"cookies", "storage"'
    html = response.get_data(as_text=True)
    # It loads nothing: its one link is the empty data: icon, so no favicon is asked for either.
    assert re.findall(r"<link[^>]*>", html) == ['<link rel="icon" href="data:,">']
    assert "<img" not in html and "report" not in html.lower()


@pytest.mark.parametrize("url", ["/", "/report", "/safety", "/receipt"])
def test_every_reporter_page_has_the_quick_exit_link(client, url):
    assert 'class="quick-exit" href="/exit"' in client.get(url).get_data(as_text=True)


STAFF_MODULES = ("tracker.staff", "tracker.casework", "tracker.analytics")
REPORTER_CODE = [*sorted((ROOT / "tracker" / "intake").glob("*.py")), ROOT / "tracker" / "api" / "reports.py"]


def imported_modules(path: Path) -> set[str]:
    """Absolute names of every module a file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", REPORTER_CODE, ids=lambda p: p.name)
def test_reporter_code_never_imports_staff_code(path):
    staff = {name for name in imported_modules(path) if name.startswith(STAFF_MODULES)}
    assert not staff, f"{path.name} imports {staff}"


def test_loading_the_reporter_side_loads_no_staff_module():
    code = ("import sys, tracker.intake, tracker.api.reports; "
            f"print(sorted(m for m in sys.modules if m.startswith({STAFF_MODULES!r})))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
