"""Rate limits: per client and for everyone at once, with a friendly page that keeps the input."""
from __future__ import annotations

import pytest
from sqlmodel import select

from tracker.models import Report

from tests.conftest import csrf_token

from .helpers import form_fields, receipt_of


@pytest.fixture
def app_config():
    return {"INTAKE_RECEIPT_LIMIT": "3 per minute", "INTAKE_RECEIPT_GLOBAL_LIMIT": "5 per minute",
            "INTAKE_SUBMIT_LIMIT": "2 per minute", "INTAKE_SUBMIT_GLOBAL_LIMIT": "3 per minute"}


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def try_receipt(client):
    data = {"csrf_token": csrf_token(client, "/receipt"), "receipt": "ABCD-EFGH-JKMN-PQRS"}
    return client.post("/receipt", data=data)


def test_receipt_checks_are_limited_per_client_with_a_translated_page(app):
    client = from_address(app, "192.0.2.1")
    assert [try_receipt(client).status_code for _ in range(3)] == [404, 404, 404]
    limited = try_receipt(client)
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)


def test_receipt_checks_are_limited_for_everyone_so_shared_exits_cannot_brute_force(app):
    first = from_address(app, "192.0.2.1")
    for _ in range(3):
        try_receipt(first)
    second = from_address(app, "192.0.2.2")
    statuses = [try_receipt(second).status_code for _ in range(3)]
    assert 429 in statuses, "the global ceiling must stop a second client before its own limit"
    third = from_address(app, "192.0.2.3")
    assert try_receipt(third).status_code == 429


def test_a_submission_over_the_limit_keeps_what_was_typed(app, session):
    client = from_address(app, "192.0.2.9")
    for _ in range(2):
        receipt_of(client.post("/report", data=form_fields(client)))
    limited = client.post("/report", data={**form_fields(client), "narrative": "my careful words"})
    assert limited.status_code == 429
    html = limited.get_data(as_text=True)
    assert "my careful words" in html and "Too many attempts" in html and 'name="csrf_token"' in html
    assert len(session.exec(select(Report)).all()) == 2


def test_loading_the_form_is_never_limited(app):
    client = from_address(app, "192.0.2.10")
    assert {client.get("/report").status_code for _ in range(6)} == {200}
