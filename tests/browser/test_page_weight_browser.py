"""Every reporter page, in every configured language, as first loaded: under 50 KB in all (the
page and everything it loads), nothing asked of any other host, and no request that fails, a
favicon included (issue 14, DESIGN §2). Measured in the browser, from what it received."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.languages import LANGUAGES

# What no database engine changes: the PostgreSQL run skips it (tests/conftest.py).
pytestmark = pytest.mark.engine_independent

BUDGET = 50_000  # bytes, decoded: the app sends no compressed pages
PAGES = ("/", "/report", "/report/choices", "/safety", "/receipt", "/exit")


def first_load(browser, url: str) -> tuple[int, list[str], list[str], str | None]:
    """Load the URL in a fresh context (empty cache); return the bytes received, the requests
    to other hosts, the failed requests, and the page's icon link."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    responses, requested = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_load_state("load")
    received = sum(len(response.body()) for response in responses)
    host = urlsplit(url).netloc
    elsewhere = [u for u in requested if not u.startswith("data:") and urlsplit(u).netloc != host]
    failed = [f"{response.status} {response.url}" for response in responses if response.status >= 400]
    # A page without an icon link makes browsers ask for /favicon.ico, which would fail.
    icon = page.locator("link[rel~=icon]").get_attribute("href") if page.locator("link[rel~=icon]").count() else None
    context.close()
    return received, elsewhere, failed, icon


def document_and_styles(page, response) -> int:
    """A page reached by a POST: its document plus the stylesheets it links, fetched anew."""
    styles = [page.locator("link[rel=stylesheet]").nth(i).get_attribute("href")
              for i in range(page.locator("link[rel=stylesheet]").count())]
    base = f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}"
    return len(response.body()) + sum(len(page.request.get(base + href).body()) for href in styles)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_reporter_page_is_light_and_loads_only_from_this_server(live_server, browser, page, lang):
    measured = {}
    for path in PAGES:
        received, elsewhere, failed, icon = first_load(browser, f"{live_server}{path}?lang={lang}")
        assert (elsewhere, failed) == ([], []), path
        assert icon and icon.startswith("data:"), path
        measured[path] = received

    # The pages after sending: the receipt, then the report opened with it.
    page.goto(f"{live_server}/report?lang={lang}")
    page.check("#urgent_risk")  # the receipt then also shows where to get help
    with page.expect_navigation() as sent:
        page.click("form button[name=submit]:not([disabled])")
    measured["receipt page"] = document_and_styles(page, sent.value)
    receipt = page.inner_text("#receipt-code").strip()
    page.goto(f"{live_server}/receipt")
    page.fill("#receipt", receipt)
    with page.expect_navigation() as opened:
        page.click("form button[name=submit]")
    measured["/my-report"] = document_and_styles(page, opened.value)
    assert all(size < BUDGET for size in measured.values()), measured
    print(lang, measured)
