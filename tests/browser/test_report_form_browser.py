"""The report form on a phone with JavaScript off (Tor Browser "Safest"), in every configured
language (issue 14): a short report fits in three screens, the quick exit never scrolls away,
a relative's block is added without counting as a submission and the page lands on it, Enter
in a text field changes nothing, and the form can be completed with the keyboard alone."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.browser.languages import LANGUAGES
from tracker.models import Report, ReportedRelative

# A common phone today (6.1-inch, 390 by 844 CSS pixels).
PHONE = {"width": 390, "height": 844}
SEND = "form button[name=submit]:not([disabled])"
# A sentence in each script a reporter might write in ("My father was questioned").
NARRATIVES = {"ug": "دادامنى سوراق قىلدى.", "bo": "ངའི་ཕ་ལ་འདྲི་རྩད་བྱས།", "km": "ឪពុកខ្ញុំត្រូវបានសួរចម្លើយ។",
              "ti": "ኣቦይ ተሓቲቱ።", "zh_Hans": "我父亲被问话了。", "zh_Hant": "我父親被問話了。"}


@pytest.fixture
def browser_context_args() -> dict:
    """A phone-sized window, JavaScript off."""
    return {"java_script_enabled": False, "viewport": PHONE}


def in_view(page, selector: str) -> bool:
    """Whether the element lies wholly inside the window at the current scroll position."""
    box = page.locator(selector).first.bounding_box()
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def starts_in_view(page, selector: str) -> bool:
    """Whether the element's top edge is on screen (a relative's block is taller than a phone)."""
    box = page.locator(selector).first.bounding_box()
    return bool(box) and 0 <= box["y"] < PHONE["height"] / 2


def open_part(page, name: str) -> None:
    """Open a folded part of the form, as a person taps its title."""
    if page.get_attribute(f"#part-{name}", "open") is None:
        page.click(f"#part-{name} > summary")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_a_report_is_filled_and_sent_on_a_phone(app, live_server, page, artifacts_dir, lang):
    page.goto(f"{live_server}/report?lang={lang}")
    page.screenshot(path=str(artifacts_dir / f"report-form-{lang}-phone.png"), full_page=True)
    send = page.locator(SEND).bounding_box()
    assert send["y"] + send["height"] <= 3 * PHONE["height"]  # a short report: three screens

    for target in ("#part-relatives", "#narrative", ".site-footer"):  # scroll down the page
        page.locator(target).scroll_into_view_if_needed()
        assert in_view(page, ".quick-exit"), target
    assert not in_view(page, "h1")  # the page did scroll
    assert page.locator(".quick-exit-end").count() == 1  # and the page ends with it

    page.check("#urgent_risk")
    open_part(page, "about")
    page.check("input[name=submitter_role][value=relative]")
    open_part(page, "what")
    page.check("input[name=tactics][value=coercion_by_proxy]")
    open_part(page, "relatives")
    page.click("button[name=add_relative]")
    page.wait_for_url("**/report/relative#relative-1")
    assert starts_in_view(page, "#relative-1")
    assert page.get_attribute("#part-what", "open") is not None  # still open, still ticked
    assert page.is_checked("input[name=tactics][value=coercion_by_proxy]")

    page.select_option("#relatives-0-relationship_type", "parent")
    page.fill("#relatives-0-residence_place", "Kashgar")
    page.press("#relatives-0-residence_place", "Enter")  # neither a new block nor a sent report
    assert page.url.endswith("#relative-1") and page.locator("fieldset.relative").count() == 1
    page.click("#relative-1 summary")
    block = page.locator("#relative-1").bounding_box()  # the statuses table fits the phone
    assert block["x"] >= 0 and block["x"] + block["width"] <= PHONE["width"]
    page.check("input[name=relatives-0-statuses][value=questioned]")
    page.fill("#narrative", NARRATIVES.get(lang, "State security questioned my father."))
    page.check("#consent_statistics")
    page.screenshot(path=str(artifacts_dir / f"report-form-filled-{lang}-phone.png"), full_page=True)
    page.click(SEND)

    assert len(page.inner_text("#receipt-code").strip()) == 19
    with Session(app.extensions["tracker.engine"]) as session:
        report = session.exec(select(Report)).one()
        assert (report.language, report.submitter_role) == (lang, "relative")
        assert report.urgent_risk and report.consent_statistics and not report.consent_contact
        assert report.codes_of("tactic") == ["coercion_by_proxy"]
        relative = session.exec(select(ReportedRelative)).one()
        assert relative.relationship_type == "parent" and relative.statuses[0]["status"] == "questioned"


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element has the keyboard focus (fails if it never gets it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.locator(f"{selector}:focus").count():
            return
    raise AssertionError(f"{selector} never received the focus")


@pytest.mark.parametrize("lang", ["en", "ug"])
def test_the_form_is_completed_with_the_keyboard_alone(app, live_server, page, lang):
    page.goto(f"{live_server}/report?lang={lang}")
    page.keyboard.press("Tab")
    assert page.locator(".quick-exit:focus").count() == 1  # the first stop is the way out
    page.keyboard.press("Tab")
    assert page.locator(".skip-link:focus").count() == 1
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")

    tab_to(page, "#urgent_risk")
    page.keyboard.press("Space")
    tab_to(page, "#part-what > summary")
    page.keyboard.press("Enter")
    tab_to(page, "input[name=tactics][value=spyware]")
    page.keyboard.press("Space")
    tab_to(page, "#part-relatives > summary")
    page.keyboard.press("Enter")
    tab_to(page, "button[name=add_relative]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("#relative-1")
    tab_to(page, "#relatives-0-relationship_type")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#narrative")
    page.keyboard.type("Typed without a mouse.")
    tab_to(page, "#consent_statistics")
    page.keyboard.press("Space")
    tab_to(page, SEND)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert len(page.inner_text("#receipt-code").strip()) == 19
    with Session(app.extensions["tracker.engine"]) as session:
        report = session.exec(select(Report)).one()
        assert report.urgent_risk and report.consent_statistics and report.narrative == "Typed without a mouse."
        assert report.codes_of("tactic") == ["spyware"]
        assert session.exec(select(ReportedRelative)).one().relationship_type != ""
