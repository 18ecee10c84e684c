"""Liveness and the home page."""
from __future__ import annotations


def test_healthz_reports_a_live_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_healthz_reports_a_dead_database(tmp_path):
    from tests.conftest import make_test_app

    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'missing-dir' / 'x' / 'db.sqlite3'}")
    # Point the engine somewhere it cannot open.
    from tracker.db import make_engine

    app.extensions["tracker.engine"] = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json == {"status": "unavailable"}


def test_home_page_renders_without_third_party_assets(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "http://" not in page and "https://" not in page and "//" not in page.replace("://", "")
