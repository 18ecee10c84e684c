"""Bidi controls in reporter text cannot reverse a staff page's own labels (issue 16, item 5)."""
from __future__ import annotations

from markupsafe import Markup

from tests.conftest import login_as
from tests.factories import make_report, make_user
from tracker.bidi import CONTROLS, finalize, isolate, show_controls

RLO, PDF = "\u202e", "\u202c"


def test_every_override_embedding_and_isolate_control_is_spelt_out():
    shown = show_controls("a" + "".join(CONTROLS) + "b")
    assert not set(shown) & set(CONTROLS) and "[RLO U+202E]" in shown and shown.startswith("a")


def test_marks_that_right_to_left_writing_needs_are_kept():
    uyghur = "\u0626\u06c7\u064a\u063a\u06c7\u0631\u200f \u200e\u061c"
    assert show_controls(uyghur) == uyghur


def test_markup_the_app_built_is_left_alone_and_isolate_escapes():
    assert finalize(Markup("<b>x</b>")) == Markup("<b>x</b>")
    assert isolate("<script>" + RLO) == Markup('<bdi dir="auto">&lt;script&gt;[RLO U+202E]</bdi>')


def test_a_report_with_a_right_to_left_override_shows_it_and_reverses_nothing(app, client, session):
    report = make_report(session, reporter_name=f"{RLO}Detained: no{PDF}", narrative=f"x{RLO}detpecca sutatS",
                         place_text=f"{RLO}Kashgar")
    login_as(client, make_user(session, "caseworker"))
    html = client.get(f"/casework/reports/{report.id}").get_data(as_text=True)
    assert RLO not in html and PDF not in html
    assert '<bdi dir="auto">[RLO U+202E]Detained: no[PDF U+202C]</bdi>' in html
    assert "x[RLO U+202E]detpecca sutatS" in html
    assert '<bdi dir="auto">[RLO U+202E]Kashgar</bdi>' in html


def test_bidi_controls_never_reach_any_page_as_characters(app, client):
    page = client.get("/receipt?x=" + RLO)  # nothing echoes the query, but a form re-render might
    assert RLO not in page.get_data(as_text=True)
