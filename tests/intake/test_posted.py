"""POST /report reads the form without WTForms (tracker/intake/posted.py): it must read every
posted report exactly as the WTForms form does, or a report would be stored differently from
what the page shows again. Both readings go through the same validation here and must agree
on the report and on every error, for typical, odd and hostile posts."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from werkzeug.datastructures import MultiDict

from tracker import taxonomy
from tracker.intake.forms import ReportForm
from tracker.intake.posted import PostedField, posted_report
from tracker.intake.validation import report_from_form

from .test_form import FULL_REPORT

STATUSES = [term.code for term in taxonomy.terms("relative_status")]
TOP_FIELDS = ["submitter_role", "targets", "community", "tactics", "event_date", "event_date_precision",
              "place_text", "place_country", "origin_country", "host_country", "channels", "perpetrator_types",
              "perpetrator_affiliation", "demands", "narrative", "contact", "consent_contact",
              "consent_statistics", "consent_partners", "urgent_risk", "idempotency_key"]
RELATIVE_FIELDS = ["relationship_type", "residence_country", "residence_place", "statuses", "roughly",
                   "sentence_years", "in_retaliation", "details", *(f"dates-{code}" for code in STATUSES)]
# Real codes and values, empty ones, near misses and junk, so both readings meet every case.
VALUES = st.sampled_from(["", "y", "false", "n", "0", "CN", "China", "Germany", "DE", "XX", "2019", "2019-03",
                          "2019-13", "2024-05-17", "2099-01-01", "4", "2,5", "-1", "parent", "sibling", "uyghur",
                          "questioned", "imprisoned", "detained_administrative", "coercion_by_proxy", "wechat",
                          "likely", "unknown", "month", "self", "relative", "me", "x" * 300, "\u0626\u06c7"])
INDEXES = st.sampled_from(["0", "1", "3", "12", "007", "x", ""])


def relative_key() -> st.SearchStrategy[str]:
    return st.builds(lambda index, name: f"relatives-{index}-{name}", INDEXES, st.sampled_from(RELATIVE_FIELDS))


POSTS = st.lists(st.tuples(st.one_of(st.sampled_from(TOP_FIELDS), relative_key(),
                                     st.sampled_from(["relatives", "relativesX-0-details", "website", "x"])),
                           VALUES), max_size=40)


def both_readings(app, fields) -> tuple:
    """report_from_form on the WTForms form and on posted_report(), for one urlencoded POST."""
    with app.test_request_context("/report", method="POST", data=MultiDict(fields)):
        wtforms_result = report_from_form(ReportForm())
        posted = posted_report()
        posted_result = report_from_form(posted) if posted is not None else report_from_form(ReportForm())
    return wtforms_result, posted_result, posted


def same(result_a, result_b) -> None:
    (data_a, errors_a), (data_b, errors_b) = result_a, result_b
    assert errors_a == errors_b
    assert (data_a and data_a.model_dump()) == (data_b and data_b.model_dump())


@pytest.fixture
def quiet_app(app):
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def test_a_full_report_is_read_the_same(quiet_app):
    fields = [(name, value) for name, values in FULL_REPORT.items()
              for value in (values if isinstance(values, list) else [values])]
    wtforms_result, posted_result, posted = both_readings(quiet_app, fields)
    assert wtforms_result[1] == {} and wtforms_result[0].relatives[0].statuses  # a real, valid report
    same(wtforms_result, posted_result)
    assert posted.relatives[0].name == "relatives-0" and posted.urgent_risk.data is True


def test_relatives_blocks_are_renumbered_and_their_errors_named_as_the_page_names_them(quiet_app):
    fields = [("relatives-5-relationship_type", "parent"), ("relatives-5-residence_country", "Atlantis"),
              ("relatives-2-dates-questioned", "2019-13"), ("relatives-2-sentence_years", "-3")]
    wtforms_result, posted_result, posted = both_readings(quiet_app, fields)
    assert set(wtforms_result[1]) == {"relatives-0-relationship_type", "relatives-0-dates-questioned",
                                      "relatives-0-sentence_years", "relatives-1-residence_country"}
    same(wtforms_result, posted_result)
    assert [entry.name for entry in posted.relatives] == ["relatives-0", "relatives-1"]


def test_missing_fields_take_the_forms_defaults(quiet_app):
    wtforms_result, posted_result, posted = both_readings(quiet_app, [("narrative", "Only this.")])
    same(wtforms_result, posted_result)
    assert isinstance(posted.event_date_precision, PostedField)
    assert posted.event_date_precision.data == "unknown" and posted.consent_contact.data is False
    assert posted.idempotency_key.data is None and posted.targets.data == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=POSTS)
def test_any_post_is_read_the_same_both_ways(quiet_app, fields):
    wtforms_result, posted_result, _ = both_readings(quiet_app, fields)
    same(wtforms_result, posted_result)
