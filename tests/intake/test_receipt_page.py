"""The receipt page is rendered once per language and each receipt put into it: the same page."""
from __future__ import annotations

from flask import flash, render_template, session

from tracker.intake.views import receipt_page


def test_the_receipt_page_is_the_page_its_template_renders(app):
    for language in ("en", "ug", "zh_Hant"):
        for urgent in (False, True):
            with app.test_request_context(f"/report?lang={language}"):
                first = receipt_page("ABCD-EFGH-JKMN-PQRS", urgent=urgent)  # renders and keeps the page
                again = receipt_page("7KQ2-M9XD-4HFA-0RTW", urgent=urgent)  # from the kept page
                assert again == render_template("intake/receipt.html", receipt="7KQ2-M9XD-4HFA-0RTW", urgent=urgent)
                assert "ABCD-EFGH-JKMN-PQRS" in first and "ABCD-EFGH-JKMN-PQRS" not in again
    assert len(app.extensions["tracker.receipt_pages"]) == 6


def test_a_message_waiting_to_be_shown_gets_a_real_render(app):
    with app.test_request_context("/report"):
        receipt_page("ABCD-EFGH-JKMN-PQRS", urgent=False)  # the English page is kept
    with app.test_request_context("/report"):
        flash("Your report is closed on this device.", "success")
        page = receipt_page("7KQ2-M9XD-4HFA-0RTW", urgent=False)
        assert "Your report is closed on this device." in page and "7KQ2-M9XD-4HFA-0RTW" in page
        assert not session.get("_flashes")  # shown, so taken out of the cookie
