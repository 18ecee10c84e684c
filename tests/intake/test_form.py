"""The report form over HTTP: languages, a full submission, validation, retries, honeypot."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tracker.models import Location, Report, ReportedRelative
from tracker.intake import submission

from .helpers import form_fields, receipt_of, send_report

FULL_REPORT = {
    "submitter_role": "relative", "targets": ["me", "relative"], "community": "uyghur",
    "tactics": ["coercion_by_proxy", "information_demand"], "channels": ["wechat", "phone_call"],
    "perpetrator_types": ["state_security"], "perpetrator_affiliation": "Public Security Bureau",
    "demands": ["inform_on_others"], "event_date": "2024-05-17", "event_date_precision": "month",
    "place_text": "Kashgar old town", "place_country": "China", "host_country": "DE",
    "origin_country": "CN", "narrative": "They called my mother and asked about my friends.",
    "relatives-0-relationship_type": "parent", "relatives-0-residence_country": "CN",
    "relatives-0-statuses": ["questioned", "detained_administrative"],
    "relatives-0-dates-questioned": "2024-06-02", "relatives-0-dates-detained_administrative": "2024-07",
    "relatives-0-in_retaliation": "likely", "relatives-0-details": "Taken from home at night",
    "consent_statistics": "y", "urgent_risk": "y",
}


@pytest.mark.parametrize("lang", ["en", "zh_Hans", "zh_Hant", "ug", "bo"])
def test_the_form_renders_in_every_language(client, lang):
    page = client.get(f"/report?lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name=tactics' in html and 'name="add_relative"' in html
    assert 'name="relatives-0-relationship_type"' not in html  # a relative's block opens on request
    assert f'dir="{"rtl" if lang == "ug" else "ltr"}">' in html.split("<head>")[0]


def test_a_full_report_is_stored_with_codes_relatives_and_place(client, session):
    response = send_report(client, FULL_REPORT)
    assert response.status_code == 200
    receipt = receipt_of(response)
    assert len(receipt.replace("-", "")) == 16
    report = session.exec(select(Report)).one()
    assert report.codes_of("tactic") == ["coercion_by_proxy", "information_demand"]
    assert report.tactics == "|coercion_by_proxy|information_demand|"  # as the queue's walks carry them
    assert report.codes_of("channel") == ["phone_call", "wechat"]
    assert report.codes_of("perpetrator_type") == ["state_security"]
    assert report.event_date == date(2024, 5, 1)  # month precision keeps no day
    assert (report.place_country, report.host_country, report.origin_country) == ("CN", "DE", "CN")
    assert report.urgent_risk and report.consent_statistics and not report.consent_contact
    assert report.narrative.startswith("They called my mother")
    assert report.intake_channel == "web" and report.submitter_role == "relative"
    relative = session.exec(select(ReportedRelative)).one()
    assert relative.relationship_type == "parent" and relative.in_retaliation == "likely"
    assert relative.statuses == [
        {"status": "questioned", "date": "2024-06-02", "precision": "exact"},
        {"status": "detained_administrative", "date": "2024-07-01", "precision": "month"},
    ]
    location = session.get(Location, report.location_id)
    # The offline gazetteer has no "old town" of Kashgar: the text stays sealed, marked failed
    # so a caseworker can place it by hand.
    assert location.raw_text == "Kashgar old town" and location.status == "failed"
    assert location.country_hint == "CN"


def test_the_typed_place_is_geocoded_offline_at_submission(client, session):
    response = send_report(client, {"place_text": "Ghulja", "place_country": "China"})
    assert response.status_code == 200
    location = session.get(Location, session.exec(select(Report)).one().location_id)
    assert (location.status, location.country, location.precision) == ("geocoded", "CN", "city")
    assert location.geocoder.startswith("offline") and abs(location.lat - 43.9) < 0.1


def test_a_geocoder_fault_leaves_the_place_pending_and_the_report_saved(client, session, monkeypatch):
    def broken(location, geocoder=None):
        raise OSError("gazetteer unreadable")

    monkeypatch.setattr("tracker.intake.submission.geocode_location", broken)
    response = send_report(client, {"place_text": "Ghulja", "place_country": "China"})
    assert response.status_code == 200 and receipt_of(response)
    location = session.get(Location, session.exec(select(Report)).one().location_id)
    assert location.status == "pending" and location.raw_text == "Ghulja"


def test_urgent_reports_show_safety_resources_with_the_receipt(client):
    html = send_report(client, {"urgent_risk": "y"}).get_data(as_text=True)
    assert "urgent-help" in html and "/safety" in html
    assert "urgent-help" not in send_report(client, {}).get_data(as_text=True)


def test_an_empty_report_is_accepted_since_nothing_is_mandatory(client, session):
    response = send_report(client, {})
    assert response.status_code == 200
    receipt_of(response)
    assert session.exec(select(Report)).one().narrative is None


@pytest.mark.parametrize("field, value, error_field", [
    ("origin_country", "Atlantis", "origin_country"),
    ("event_date", "next tuesday", "event_date"),
    ("event_date", (date.today() + timedelta(days=3)).isoformat(), "event_date"),
    ("tactics", "not_a_tactic", "tactics"),
    ("perpetrator_affiliation", "x" * 201, "perpetrator_affiliation"),
    ("relatives-0-dates-released", "31/31/2020", "relatives-0-dates-released"),
])
def test_an_invalid_answer_is_shown_beside_its_field_and_nothing_is_lost(client, session, field, value, error_field):
    data = {"narrative": "Keep this narrative", "place_text": "Keep this place", field: value}
    response = send_report(client, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{error_field}-error"' in html
    assert "Keep this narrative" in html and 'value="Keep this place"' in html
    assert "pydantic" not in html.lower() and "Input should" not in html
    assert session.exec(select(Report)).first() is None


def test_validation_errors_are_translated(client):
    client.get("/report?lang=zh_Hans")
    html = send_report(client, {"origin_country": "Atlantis"}).get_data(as_text=True)
    english = "Choose a country from the list, or leave this empty."
    from flask_babel import force_locale, gettext

    with client.application.test_request_context(), force_locale("zh_Hans"):
        expected = gettext(english)
    assert expected in html


def test_a_relative_without_a_relationship_is_flagged(client):
    response = send_report(client, {"relatives-0-statuses": ["disappeared"]})
    assert response.status_code == 422
    assert 'id="relatives-0-relationship_type-error"' in response.get_data(as_text=True)


def test_each_status_of_a_relative_carries_its_own_date_and_precision(client, session):
    response = send_report(client, {
        "relatives-0-relationship_type": "sibling",
        "relatives-0-statuses": ["detained_administrative", "released", "contact_lost"],
        "relatives-0-dates-detained_administrative": "2017", "relatives-0-dates-released": "2023-03-14",
        "relatives-0-roughly": ["released"],
        "relatives-0-dates-imprisoned": "2019-05",  # typed without ticking: still counts
    })
    assert response.status_code == 200
    assert session.exec(select(ReportedRelative)).one().statuses == [
        {"status": "detained_administrative", "date": "2017-01-01", "precision": "year"},
        {"status": "imprisoned", "date": "2019-05-01", "precision": "month"},
        {"status": "released", "date": "2023-03-14", "precision": "estimate"},
        {"status": "contact_lost", "date": None, "precision": "unknown"},
    ]


def test_a_wrong_status_date_keeps_every_date_and_tick_and_marks_only_its_row(client, session):
    response = send_report(client, {
        "relatives-0-relationship_type": "parent", "relatives-0-statuses": ["questioned", "released"],
        "relatives-0-dates-questioned": "2018-04", "relatives-0-dates-released": "spring",
        "relatives-0-roughly": ["questioned"],
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="relatives-0-dates-released-error"' in html
    assert 'id="relatives-0-dates-questioned-error"' not in html
    assert 'name="relatives-0-dates-questioned" value="2018-04"' in html
    assert 'name="relatives-0-dates-released" value="spring"' in html
    assert 'name="relatives-0-statuses" value="released" checked' in html
    assert 'name="relatives-0-roughly" value="questioned" checked' in html
    assert session.exec(select(Report)).first() is None


def test_an_error_in_a_later_relative_is_shown_in_its_own_block_when_an_earlier_one_is_blank(client):
    response = send_report(client, {"relatives-0-relationship_type": "", "relatives-0-details": "",
                                    "relatives-1-relationship_type": "child", "relatives-1-details": "x" * 20001})
    assert response.status_code == 422
    assert 'id="relatives-1-details-error"' in response.get_data(as_text=True)


def test_the_first_add_opens_a_relative_block(client):
    html = client.post("/report", data={**form_fields(client), "add_relative": "y"}).get_data(as_text=True)
    assert 'name="relatives-0-relationship_type"' in html and 'name="relatives-0-dates-released"' in html
    assert 'name="relatives-1-relationship_type"' not in html


def test_add_another_relative_reloads_the_form_with_one_more_block(client, session):
    fields = form_fields(client)
    response = client.post("/report", data={**fields, "narrative": "still here", "add_relative": "y",
                                            "relatives-0-relationship_type": "sibling"})
    html = response.get_data(as_text=True)
    assert 'name="relatives-1-relationship_type"' in html and "still here" in html
    assert f'value="{fields["idempotency_key"]}"' in html
    assert session.exec(select(Report)).first() is None


def test_a_retried_post_returns_the_first_report_and_receipt(client, session):
    fields = form_fields(client)
    first = client.post("/report", data={**fields, "narrative": "once"})
    second = client.post("/report", data={**fields, "narrative": "once"})
    assert receipt_of(first) == receipt_of(second)
    assert len(session.exec(select(Report)).all()) == 1


def test_a_late_retry_does_not_show_the_receipt_again(client, session, monkeypatch):
    fields = form_fields(client)
    receipt = receipt_of(client.post("/report", data=fields))
    monkeypatch.setattr(submission, "REPLAY_WINDOW", timedelta(seconds=-1))
    html = client.post("/report", data=fields).get_data(as_text=True)
    assert receipt not in html and "already sent" in html
    assert len(session.exec(select(Report)).all()) == 1


def test_the_receipt_is_stored_only_as_a_digest(app, client, session):
    fields = form_fields(client)
    receipt = receipt_of(client.post("/report", data=fields))
    report = session.exec(select(Report)).one()
    with app.app_context():
        from tracker.crypto import get_sealer

        assert report.receipt_digest == get_sealer().receipt_digest(receipt)
    assert fields["idempotency_key"] != report.idempotency_key
    assert receipt not in str(report.model_dump())


def test_the_honeypot_rejects_bots_and_keeps_nothing(client, session):
    response = send_report(client, {"website": "http://spam.example", "narrative": "buy now"})
    assert response.status_code == 400
    assert 'id="website-error"' in response.get_data(as_text=True)
    assert session.exec(select(Report)).first() is None


def test_an_expired_csrf_token_re_renders_the_form_with_the_answers(client, session):
    fields = form_fields(client)
    client.get("/exit")  # nothing to do with CSRF; then drop the session cookie like an expiry would
    client.delete_cookie("tracker_session")
    response = client.post("/report", data={**fields, "narrative": "what I typed"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "what I typed" in html and "expired" in html
    assert 'name="csrf_token"' in html
    assert session.exec(select(Report)).first() is None


def test_add_relative_at_the_maximum_never_submits(client, session):
    from tracker.intake.forms import MAX_RELATIVES

    data = {f"relatives-{i}-relationship_type": "sibling" for i in range(MAX_RELATIVES)}
    response = client.post("/report", data={**form_fields(client), **data, "add_relative": "y"})
    assert response.status_code == 200 and 'name="add_relative"' not in response.get_data(as_text=True)
    assert f'name="relatives-{MAX_RELATIVES}-relationship_type"' not in response.get_data(as_text=True)
    assert session.exec(select(Report)).first() is None
