"""Hostile input gets a 4xx answer, never a 500 or 503 (issue 16, item 5): ids beyond the id
columns, JSON nested too deeply, a NUL in a language tag, an unused method (with ``Allow``)."""
from __future__ import annotations

import re

import pytest

from tests.conftest import login_as
from tests.factories import make_user
from tracker.errors import MAX_ID, REFUSED_METHODS

HUGE_IDS = [2**31, 2**63, 2**64, 10**40]


def _id_routes(app) -> list[tuple[str, str]]:
    """(rule, method) of every route that takes an ``<int:...>`` id."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            routes.append((rule.rule, "GET" if "GET" in methods else methods[0]))
    return sorted(set(routes))


def _fill(rule: str, number: int) -> str:
    return re.sub(r"<[^>]+>", lambda m: str(number) if m.group(0).startswith("<int:") else "x", rule)


def test_ids_beyond_the_id_columns_name_nothing_on_every_route(app, client):
    routes = _id_routes(app)
    assert len(routes) >= 20
    for rule, method in routes:
        for number in HUGE_IDS:
            response = client.open(_fill(rule, number), method=method)
            # 405 where another route serves that path for other methods
            assert response.status_code in (404, 405), (rule, number, response.status_code)


@pytest.mark.parametrize("role", ["caseworker", "admin", "analyst"])
def test_the_largest_id_reaches_the_database_and_is_a_plain_404_when_signed_in(app, client, session, role):
    login_as(client, make_user(session, role))
    for rule, method in _id_routes(app):
        if rule.startswith("/static"):
            continue
        status = client.open(_fill(rule, MAX_ID), method=method).status_code
        assert status < 500, (rule, status)


def test_ids_out_of_range_in_a_json_body_are_not_a_server_error(client, session):
    from tracker.api.tokens import issue_token

    _row, token = issue_token(session, make_user(session, "caseworker").id, "script")
    session.commit()
    for number in (2**31, 2**63, 2**70):
        response = client.post("/api/v1/cases", json={"title": "Case", "incident_ids": [number]},
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code in (400, 404, 422), (number, response.status_code)


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_json_nested_too_deeply_is_a_bad_request(client, depth):
    key = {"Idempotency-Key": "n" * 30}
    nested = client.post("/api/v1/reports", data="[" * depth, content_type="application/json", headers=key)
    assert nested.status_code == 400
    multipart = client.post("/api/v1/reports", data={"report": "{\"a\":" * depth}, headers=key)
    assert multipart.status_code == 400


@pytest.mark.parametrize("language", ["en\x00", "\x00", "zh_Hans\x00x", "en'; --", "x" * 16])
def test_a_bad_language_tag_is_refused_with_a_message(client, language):
    response = client.post("/api/v1/reports", json={"language": language, "narrative": "x"},
                           headers={"Idempotency-Key": "l" * 30})
    assert response.status_code == 422
    assert "language" in response.get_json()["fields"]


@pytest.mark.parametrize("language", ["ug", "zh_Hans", "zh-Hant", "bo"])
def test_real_language_tags_are_accepted(client, language):
    response = client.post("/api/v1/reports", json={"language": language, "narrative": "x"},
                           headers={"Idempotency-Key": (language.replace("_", "-") + "-key") * 4})
    assert response.status_code == 201, response.get_json()


def test_a_nul_that_reaches_a_text_column_is_a_400_not_a_503(app, client):
    from sqlmodel import select

    from tracker.db import get_session
    from tracker.models import Report

    def search():
        # A query string that reaches a plain text column as it is: the safety net behind input checks.
        list(get_session().exec(select(Report).where(Report.language == "en\x00")))
        return "unreachable"

    app.add_url_rule("/nul-for-test", "nul_for_test", search)
    status = client.get("/nul-for-test").status_code
    assert status in (200, 400)  # SQLite stores NUL; PostgreSQL refuses it, and that is a 400


@pytest.mark.parametrize("path", ["/", "/report", "/receipt", "/healthz", "/api/v1/openapi.json"])
def test_a_refused_method_says_which_ones_are_allowed(client, path):
    for method in sorted(REFUSED_METHODS - {"CONNECT"}):
        response = client.open(path, method=method)
        assert response.status_code == 405
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert "GET" in allowed and not allowed & REFUSED_METHODS


def test_a_method_the_route_does_not_serve_says_which_ones_are_allowed(client):
    for path in ("/receipt", "/api/v1/reports"):
        response = client.open(path, method="DELETE")
        assert response.status_code == 405
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert "POST" in allowed and "OPTIONS" not in allowed
