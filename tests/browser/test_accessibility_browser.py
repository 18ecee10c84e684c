"""axe-core finds no violation (target-size included) on every reporter page in every configured
language, nor on the main staff pages in a left-to-right and a right-to-left language (issue 14)."""
from __future__ import annotations

import pyotp
import pytest
from sqlmodel import select

from tests.browser.axe import axe_violations
from tests.browser.languages import LANGUAGES
from tests.factories import STAFF_PASSWORD, make_report, make_user
from tracker.demo import DemoGenerator
from tracker.models import Case, Incident, Person

# What no database engine changes: the PostgreSQL run skips it (tests/conftest.py).
pytestmark = pytest.mark.engine_independent


@pytest.fixture
def browser_context_args() -> dict:
    """axe is a script: it runs only where scripts may (the app's pages carry none)."""
    return {"java_script_enabled": True}


class _Quiet:
    """A progress sink for the demo-data generator."""

    def update(self, _n: int) -> None:
        """Ignore progress."""


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_reporter_page_has_no_axe_violation(live_server, page, lang):
    found: list[str] = []
    page.goto(f"{live_server}/?lang={lang}")
    found += axe_violations(page)
    page.goto(f"{live_server}/safety")
    found += axe_violations(page)
    page.goto(f"{live_server}/report/choices")
    found += axe_violations(page)
    page.goto(f"{live_server}/report")
    found += axe_violations(page)
    page.click("button[name=add_relative]")  # the full form: a relative's block, every part open
    page.wait_for_url("**/report/relative#relative-1")
    found += axe_violations(page)
    assert hints_below_one_rem(page) == []
    page.fill("input[name=relatives-0-dates-released]", "31/31/2020")
    page.click("form button[name=submit]:not([disabled])")  # errors beside their fields
    assert page.locator(".field-error").count() >= 1
    found += axe_violations(page)
    page.fill("input[name=relatives-0-dates-released]", "2023")
    page.select_option("#relatives-0-relationship_type", "parent")
    page.check("#urgent_risk")
    page.click("form button[name=submit]:not([disabled])")
    receipt = page.inner_text("#receipt-code").strip()
    found += axe_violations(page)  # the receipt, with the urgent help
    page.goto(f"{live_server}/receipt")
    found += axe_violations(page)
    page.fill("#receipt", receipt)
    page.click("form button[name=submit]")
    assert page.url.endswith("/my-report")
    found += axe_violations(page)
    page.goto(f"{live_server}/my-report/delete")
    found += axe_violations(page)
    page.goto(f"{live_server}/exit")
    found += axe_violations(page)
    assert found == [], "\n".join(found)


def hints_below_one_rem(page) -> list[str]:
    """Help text, definitions and errors set smaller than the root size (issue 14: never)."""
    return page.evaluate("""() => {
        const root = parseFloat(getComputedStyle(document.documentElement).fontSize);
        return [...document.querySelectorAll('.hint, small, .field-error')]
            .filter(e => parseFloat(getComputedStyle(e).fontSize) < root - 0.01)
            .map(e => e.textContent.slice(0, 40));
    }""")


def _sign_in(page, base: str, user) -> None:
    """Sign in through the login form, checking the login page on the way."""
    page.goto(f"{base}/staff/login")
    found = axe_violations(page)
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.fill("input[name=otp]", pyotp.TOTP(user.totp_secret).now())
    page.click("button[type=submit]")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", ["en", "ug"])
def test_the_main_staff_pages_have_no_axe_violation(live_server, page, session, lang):
    DemoGenerator(session, seed=11).run(200, _Quiet())
    report = make_report(session, narrative="They called my mother twice.", urgent_risk=True)
    case_id = session.exec(select(Case.id).order_by(Case.id)).first()
    incident_id = session.exec(select(Incident.id).where(Incident.case_id == case_id)).first()
    person_id = session.exec(select(Person.id).order_by(Person.id)).first()
    caseworker, analyst = make_user(session, "caseworker"), make_user(session, "analyst")

    page.goto(f"{live_server}/?lang={lang}")
    _sign_in(page, live_server, caseworker)
    found: list[str] = []
    for path in ("/casework/", f"/casework/reports/{report.id}", f"/casework/incidents/{incident_id}",
                 f"/casework/cases/{case_id}", f"/casework/people/{person_id}"):
        page.goto(f"{live_server}{path}")
        assert page.locator("main").count() == 1, path
        found += axe_violations(page)
    page.context.clear_cookies()
    page.goto(f"{live_server}/?lang={lang}")
    _sign_in(page, live_server, analyst)
    page.goto(f"{live_server}/analytics/")
    found += axe_violations(page)
    assert found == [], "\n".join(found)
    assert_chart_labels_inside_their_charts(page)


def test_the_case_diagram_is_a_group_of_links_not_an_image(live_server, page, session):
    DemoGenerator(session, seed=11).run(40, _Quiet())
    case_id = session.exec(select(Case.id).order_by(Case.id)).first()
    page.goto(f"{live_server}/")
    _sign_in(page, live_server, make_user(session, "caseworker"))
    page.goto(f"{live_server}/casework/cases/{case_id}")
    diagram = page.locator("figure.diagram svg")
    assert diagram.get_attribute("role") != "img"  # an image's links are hidden from screen readers
    assert diagram.locator("a").count() >= 1
    assert axe_violations(page) == []


def assert_chart_labels_inside_their_charts(page) -> None:
    """Every chart's text lies within its drawing: a right-to-left page must not push labels
    anchored at the chart's end out of the picture (issue 14: Uyghur year labels)."""
    outside = page.evaluate("""() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
        const frame = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].filter(t => {
            const box = t.getBoundingClientRect();
            return box.width > 0 && (box.left < frame.left - 1 || box.right > frame.right + 1);
        }).map(t => t.textContent);
    })""")
    assert outside == []
