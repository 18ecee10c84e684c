"""The report form protects the person filling it in (issue 14): urgent risk first, nothing
pre-ticked, long parts folded but open once answered, adding a relative never counts as a
submission and lands on the new block, Enter cannot submit."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tracker.models import Report

from .helpers import form_fields, receipt_of, send_report


@pytest.fixture
def app_config():
    return {"INTAKE_SUBMIT_LIMIT": "2 per minute", "INTAKE_SUBMIT_GLOBAL_LIMIT": "2 per minute"}


def test_urgent_risk_and_its_help_come_before_every_other_question(client):
    html = client.get("/report").get_data(as_text=True)
    urgent, safety_link = html.index('name="urgent_risk"'), html.index('href="/safety"')
    assert urgent < html.index('name=submitter_role') and urgent < html.index('name=tactics')
    assert safety_link < html.index('name=submitter_role')


def test_nothing_is_pre_ticked_or_pre_selected(client):
    html = client.get("/report").get_data(as_text=True)
    assert " checked" not in html


def test_an_unanswered_form_is_stored_like_an_unanswered_api_call(client, session):
    receipt_of(send_report(client, {}))
    response = client.post("/api/v1/reports", json={})
    assert response.status_code == 201, response.get_data(as_text=True)
    web, api = session.exec(select(Report).order_by(Report.id)).all()
    for name in ("submitter_role", "consent_statistics", "consent_contact", "consent_partners",
                 "urgent_risk", "event_date_precision"):
        assert getattr(web, name) == getattr(api, name), name
    assert web.consent_statistics is False


def test_long_parts_are_folded_until_they_hold_an_answer(client):
    html = client.get("/report").get_data(as_text=True)
    assert re.findall(r'<details class="part" id="part-([a-z-]+)">', html) == [
        "about", "what", "when-where", "how-who", "relatives", "files", "contact"]
    shown = client.post("/report/relative", data={**form_fields(client), "demands": "pay_money",
                                                  "tactics": "spyware"}).get_data(as_text=True)
    assert re.findall(r'<details class="part" id="part-([a-z-]+)" open>', shown) == ["what", "how-who", "relatives"]
    assert 'value=pay_money checked' in shown and 'value=spyware checked' in shown


def test_a_part_with_an_error_is_shown_open(client):
    html = send_report(client, {"place_country": "Atlantis"}).get_data(as_text=True)
    assert '<details class="part" id="part-when-where" open>' in html


def test_a_relatives_statuses_open_when_they_hold_a_date(client):
    fields = form_fields(client)
    html = client.post("/report/relative", data={**fields, "relatives-0-relationship_type": "parent",
                                                 "relatives-0-dates-released": "2023"}).get_data(as_text=True)
    first, second = html.split('id="relative-2"')
    assert "<details open>" in first and "<details open>" not in second


def test_adding_relatives_never_counts_against_the_submission_limit(client, session):
    fields = form_fields(client)
    for count in range(1, 4):
        response = client.post("/report/relative", data=fields)
        assert response.status_code == 200
        fields[f"relatives-{count - 1}-relationship_type"] = "sibling"  # as the browser sends it back
        assert response.get_data(as_text=True).count('class="relative"') == count
    for narrative in ("sent after three added blocks", "and a second report"):
        receipt_of(send_report(client, {"narrative": narrative}))
    assert send_report(client, {"narrative": "a third is over the limit of two"}).status_code == 429


def test_the_add_button_lands_on_the_new_block(client):
    html = client.get("/report").get_data(as_text=True)
    assert 'formaction="/report/relative#relative-1"' in html
    html = client.post("/report/relative", data=form_fields(client)).get_data(as_text=True)
    assert 'id="relative-1"' in html and 'formaction="/report/relative#relative-2"' in html


def test_the_add_address_opened_directly_leads_to_the_form(client):
    response = client.get("/report/relative")
    assert response.status_code == 302 and response.headers["Location"].endswith("/report")


def test_the_first_submit_button_is_disabled_so_enter_submits_nothing(client):
    html = client.get("/report").get_data(as_text=True)
    form = html[html.index("<form"):]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert "disabled" in first_button and 'type="submit"' in first_button


def test_the_choices_are_explained_on_their_own_page_linked_from_the_form(client):
    form = client.get("/report?lang=en").get_data(as_text=True)
    assert 'href="/report/choices" target="_blank"' in form
    assert "Someone acting for the home state hit" not in form  # the definitions are not sent twice
    page = client.get("/report/choices").get_data(as_text=True)
    assert "<dt>Physical attack<dd>Someone acting for the home state hit" in page


def test_the_quick_exit_page_has_a_main_landmark_and_no_icon_request(client):
    html = client.get("/exit").get_data(as_text=True)
    assert "<main>" in html and '<link rel="icon" href="data:,">' in html
