"""The analyst dashboard in headless Chromium with JavaScript off: sign in, filter, read, export."""
from __future__ import annotations

import pyotp

from tests.factories import STAFF_PASSWORD, make_user
from tracker.demo import DemoGenerator


class _Quiet:
    """A progress sink for the demo-data generator."""

    def update(self, _n: int) -> None:
        """Ignore progress."""


def _sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.fill("input[name=otp]", pyotp.TOTP(user.totp_secret).now())
    page.click("button[type=submit]")


def test_analyst_reads_filters_and_exports_the_dashboard(page, live_server, session, artifacts_dir):
    DemoGenerator(session, seed=7).run(600, _Quiet())
    analyst = make_user(session, "analyst")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    _sign_in(page, live_server, analyst)
    page.goto(f"{live_server}/analytics/")
    assert page.locator("h1").inner_text() == "Statistics"
    assert page.locator("svg.world-map path.s5").count() >= 1
    assert page.locator("svg.chart").count() >= 10
    people = page.locator(".headline dd").first.inner_text()
    assert people.replace(",", "").isdigit()

    page.select_option("select[name=community]", "tibetan")
    page.click("form.filters button[type=submit]")
    assert "community=tibetan" in page.url
    filtered = page.locator(".headline dd").first.inner_text()
    assert int(filtered.replace(",", "")) < int(people.replace(",", ""))
    page.screenshot(path=str(artifacts_dir / "analytics-dashboard.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("#incidents-host_country ~ p.exports a", has_text="CSV").click()
    assert download.value.suggested_filename == "statistics-host_country.csv"
    # Nothing was asked of any server but this one (DESIGN §2: no third-party request).
    assert requested and all(url.startswith(live_server) for url in requested)
