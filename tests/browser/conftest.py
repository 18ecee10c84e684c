"""Shared browser fixtures: the app behind a real HTTP server, and headless Debian Chromium.

Every area's browser tests reuse these: ``live_server`` (the base URL of the ``app`` fixture
served by werkzeug in a thread), ``browser`` (Chromium through Playwright's ``executable_path``;
nothing is ever downloaded) and ``page`` (a fresh context with JavaScript DISABLED, as in Tor
Browser's "Safest" mode, DESIGN §2). Override ``browser_context_args`` in a module to change the
context, e.g. ``{"java_script_enabled": True}`` for a progressive-enhancement test.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items) -> None:
    """Mark every test in this folder as a browser test, so `-m "not browser"` skips them."""
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    """Skip without Chromium, unless CI demands the browser tests (TRACKER_REQUIRE_BROWSER=1)."""
    if Path(CHROMIUM).exists():
        return
    message = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("TRACKER_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the test app on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, launched once per run."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context_args() -> dict:
    """Options for each test's browser context; JavaScript is off unless a module says so."""
    return {"java_script_enabled": False}


@pytest.fixture
def page(browser, browser_context_args: dict):
    """A page in a fresh browser context (no cookies shared between tests)."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    """Where screenshots go (test-artifacts/, git-ignored); CI keeps the folder."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
