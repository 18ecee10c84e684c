"""axe-core, the accessibility engine, run inside the browser on the page a test has open.

The engine is the axe.min.js that the axe-playwright-python package ships (installed with the
test extra), read from disk and injected through Playwright: nothing is downloaded at run time.
axe needs script execution in the page, so its pages open in a context with JavaScript on;
the app itself ships no script, so the page is the same as with JavaScript off.
"""
from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

# WCAG 2.0-2.2 A and AA and axe's best practices; target-size (WCAG 2.2, 2.5.8) is asked for
# by name since issue 14 requires it whatever a release of axe enables by default.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                          "best-practice"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}


@cache
def axe_script() -> str:
    """axe.min.js from the installed axe-playwright-python package."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or spec.origin is None:
        raise RuntimeError("axe-playwright-python is not installed: pip install -e '.[test]'")
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, *, open_details: bool = True) -> list[str]:
    """Every axe violation on the page, one line each (rule, impact, first elements).

    Folded <details> are opened first so that what they hold is checked too.
    """
    page.wait_for_load_state("load")  # a click's navigation may still be under way
    if open_details:
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.evaluate(axe_script())
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    lines = []
    for violation in result["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(f"{page.url} {violation['id']} ({violation['impact']}): {violation['help']} "
                     f"- {len(violation['nodes'])} element(s), e.g. {targets}")
    return lines
