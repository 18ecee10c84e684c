"""Khmer and Ethiopic (Tigrinya) reporter pages render with real glyphs from fonts on the
machine, never from a web font (DESIGN §2: nothing leaves the server), and wrap at phone width.

Three independent checks, each able to fail: Chromium's own report of the platform font that
drew each text node (DevTools `CSS.getPlatformFontsForNode`), a canvas measurement that tells
real glyphs from the "tofu" boxes of missing ones, and the layout at 360 px (no element wider
than the screen; the long paragraphs break into several lines although Khmer has no spaces).
"""
from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from tracker.models import Report

PHONE = {"width": 360, "height": 740}
# The script, the font family Debian's fonts-noto-core provides for it, and a Unicode range.
SCRIPTS = {
    "km": ("Khmer", re.compile(r"[\u1780-\u17ff]")),
    "ti": ("Ethiopic", re.compile(r"[\u1200-\u139f]")),
}
# A country typed by its name in the language (CLDR), and a sentence to send.
SENT = {"km": ("កម្ពុជា", "KH", "ប៉ូលីសបានមកផ្ទះម្តាយខ្ញុំ ហើយសួរអំពីខ្ញុំ។"),
        "ti": ("ኤርትራ", "ER", "ፖሊስ ናብ ገዛ ኣደይ መጺኦም ብዛዕባይ ሓቲቶም።")}
# Elements of the form whose text is in the page's language.
SAMPLES = ("h1", "main p", "main label")
WEB_FONT = re.compile(r"\.(woff2?|ttf|otf|eot)(\?|$)", re.I)

# The advance of each character when drawn in the element's font, and of a private-use
# character that no font has (it is drawn as the "missing glyph" box). Tofu shows as every
# character of the text having exactly that advance.
MEASURE = """([selector, probe]) => {
  const element = document.querySelector(selector);
  const context = document.createElement("canvas").getContext("2d");
  context.font = getComputedStyle(element).font;
  const advances = [...probe].map((ch) => context.measureText(ch).width);
  return {advances, missing: context.measureText("\\uE000").width};
}"""


@pytest.fixture
def browser_context_args() -> dict:
    """JavaScript on, only so the test can measure text (the page itself has no script)."""
    return {"java_script_enabled": True, "viewport": PHONE}


def platform_fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium actually used to draw the text of the first matching element."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def looks_like_tofu(measured: dict) -> bool:
    """Whether every character was drawn as the missing-glyph box."""
    return all(abs(width - measured["missing"]) < 0.01 for width in measured["advances"])


@pytest.mark.parametrize("code", sorted(SCRIPTS))
def test_form_renders_the_script_with_local_fonts_and_wraps_on_a_phone(live_server, page, artifacts_dir, code):
    family, letters = SCRIPTS[code]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server}/report?lang={code}")
    page.screenshot(path=str(artifacts_dir / f"intake-form-{code}-phone.png"), full_page=True)

    for selector in SAMPLES:
        text = page.inner_text(selector)
        probe = "".join(sorted(set(letters.findall(text))))[:24]
        assert probe, f"{selector} has no {family} text"
        fonts = platform_fonts(page, selector)
        drawn_by = {font["familyName"] for font in fonts if font["glyphCount"]}
        assert any(family in name for name in drawn_by), (selector, fonts)
        assert not any(font["isCustomFont"] for font in fonts), fonts
        measured = page.evaluate(MEASURE, [selector, probe])
        assert not looks_like_tofu(measured), (selector, measured)

    # No web font: no @font-face in any style sheet, and nothing requested from anywhere else.
    assert page.evaluate("document.fonts.size") == 0
    assert [url for url in requests if WEB_FONT.search(url) or not url.startswith(live_server)] == []

    layout = page.evaluate("""() => ({
      page: document.documentElement.scrollWidth,
      screen: window.innerWidth,
      wider: [...document.querySelectorAll("main *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.outerHTML.slice(0, 80)),
      lines: [...document.querySelectorAll("main p")].map((p) =>
        Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight))),
    })""")
    assert layout["page"] <= layout["screen"] and layout["wider"] == [], layout
    assert max(layout["lines"]) >= 3, layout  # a long paragraph broke into lines


def test_the_tofu_check_can_fail(live_server, page):
    """The measurement flags text no installed font has (private-use characters)."""
    page.goto(f"{live_server}/report?lang=km")
    assert looks_like_tofu(page.evaluate(MEASURE, ["h1", "\ue000\ue001\ue002"]))
    assert not looks_like_tofu(page.evaluate(MEASURE, ["h1", "ក្ម"]))


@pytest.mark.parametrize("code", sorted(SCRIPTS))
def test_report_sent_in_the_language_without_javascript(app, live_server, browser, artifacts_dir, code):
    """A reporter fills and sends the form in Khmer or Tigrinya with JavaScript off (Tor Browser
    "Safest"), typing the country by its name in their language."""
    country, expected, narrative = SENT[code]
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/report?lang={code}")
    closed = page.locator("details:not([open]):has(#host_country) > summary")
    if closed.count():
        closed.click()  # the part opens natively, without script
    page.fill("#host_country", country)
    page.fill("#narrative", narrative)
    page.click("button[name=submit]")
    receipt = page.inner_text("#receipt-code").strip()
    page.screenshot(path=str(artifacts_dir / f"intake-receipt-{code}-phone.png"), full_page=True)
    context.close()
    assert len(receipt) == 19
    with Session(app.extensions["tracker.engine"]) as session:
        report = session.exec(select(Report)).one()
        assert (report.language, report.host_country, report.narrative) == (code, expected, narrative)
