"""Security headers on every response: every route of the URL map, errors and static files."""
from __future__ import annotations

import pytest
from sqlmodel import SQLModel

from tests.conftest import make_test_app, install_test_organisation_key
from tracker.errors import REFUSED_METHODS
from tracker.security import CONTENT_SECURITY_POLICY

PLACEHOLDERS = {"int": "1", "string": "x", "path": "x", "any": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _all_routes() -> list[tuple[str, str]]:
    """(rule, method) for every route the app serves, built once from a throwaway app's map."""
    import tempfile
    from pathlib import Path

    app = make_test_app(Path(tempfile.mkdtemp()), "sqlite:///:memory:")
    routes = []
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        routes.append((rule.rule, methods[0] if "GET" not in methods else "GET"))
    return sorted(set(routes))


ROUTES = _all_routes()


@pytest.fixture(scope="module")
def crawler(tmp_path_factory):
    """One app and client for the whole crawl (headers do not depend on the database engine)."""
    folder = tmp_path_factory.mktemp("crawl")
    app = make_test_app(folder, f"sqlite:///{folder / 'crawl.sqlite3'}")
    SQLModel.metadata.create_all(app.extensions["tracker.engine"])
    install_test_organisation_key(app.extensions["tracker.engine"])
    yield app.test_client()
    app.extensions["tracker.engine"].dispose()


def _url(rule: str) -> str:
    """Fill a rule's variables (<int:id>, <path:filename>...) with placeholder values."""
    import re

    def fill(match: re.Match) -> str:
        converter = match.group(1) or "string"
        return PLACEHOLDERS.get(converter.split("(")[0], "x")

    return re.sub(r"<(?:([a-z]+(?:\([^)]*\))?):)?[a-z_]+>", fill, rule)


def assert_protective_headers(response, *, static: bool = False) -> None:
    """What every response must carry (DESIGN §2), whatever its status."""
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert "Server" not in headers
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS only over TLS
    if not static:
        assert headers["Cache-Control"] == "no-store"


def test_the_crawl_covers_the_whole_app():
    rules = {rule for rule, _method in ROUTES}
    assert {"/", "/report", "/healthz", "/static/<path:filename>"} <= rules
    assert len(ROUTES) >= 10


@pytest.mark.parametrize(("rule", "method"), ROUTES, ids=[f"{m} {r}" for r, m in ROUTES])
def test_every_route_sends_the_security_headers(crawler, rule, method):
    response = crawler.open(_url(rule), method=method)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert_protective_headers(response, static=rule.startswith("/static"))


@pytest.mark.parametrize(("rule", "method"), ROUTES, ids=[f"{m} {r}" for r, m in ROUTES])
def test_trace_options_and_unused_methods_are_refused(crawler, rule, method):
    for unused in sorted(REFUSED_METHODS - {"CONNECT"}):
        response = crawler.open(_url(rule), method=unused)
        assert response.status_code == 405, unused
        assert_protective_headers(response, static=rule.startswith("/static"))


def test_static_files_carry_the_headers(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert_protective_headers(response, static=True)


def test_error_pages_carry_the_headers_and_reveal_nothing(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_protective_headers(response)
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "Werkzeug" not in html and "Traceback" not in html
    api = client.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404 and api.get_json() == {"error": "not_found"}
    assert_protective_headers(api)


def test_an_unexpected_error_is_a_plain_500_page_with_the_headers(tmp_path):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}", TESTING=False)

    def broken():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/broken-for-test", view_func=broken)
    response = app.test_client().get("/broken-for-test")
    assert response.status_code == 500
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert_protective_headers(response)


def test_hsts_is_sent_over_tls_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://tracker.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")

