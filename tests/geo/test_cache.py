"""Self-hosted answers are cached in the database under a keyed digest, sealed."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from tracker.geo import get_geocoder, init_app, resolve_place
from tracker.geo.selfhosted import SelfHostedGeocoder
from tracker.models import GeocodeCache, Location

from .fake_geocoder import FakeGeocoderServer
from tests.factories import STAFF_PASSWORD, make_user


@pytest.fixture
def app_config(fake: FakeGeocoderServer) -> dict:
    """The app is configured for the fake Nominatim, without a delay between requests."""
    return {"GEOCODER": f"nominatim:{fake.url}", "GEOCODER_MIN_DELAY": 0.0}


def test_the_configured_geocoder_is_built_once_and_kept(app) -> None:
    with app.app_context():
        geocoder = get_geocoder()
        assert isinstance(geocoder, SelfHostedGeocoder)
        assert get_geocoder() is geocoder is app.extensions["tracker.geocoder"]


def test_a_second_lookup_is_answered_from_the_cache(app, session, fake) -> None:
    first = resolve_place("Kashgar", "CN")
    second = resolve_place("Kashgar", "CN")
    assert first == second and first.geocoder == "nominatim"
    assert len(fake.requests) == 1
    resolve_place("Kashgar", "KZ")  # another hint is another query
    assert len(fake.requests) == 2


def test_the_cache_stores_neither_the_query_nor_the_answer_in_the_clear(app, session, fake) -> None:
    resolve_place("Kashgar", "CN")
    row = session.exec(select(GeocodeCache)).one()
    assert row.provider == f"nominatim:{fake.url}"
    assert "kashgar" not in row.query_digest.lower() and len(row.query_digest) == 64
    stored = session.execute(text("SELECT result FROM geocode_cache")).scalar_one()
    assert b"Kashgar" not in bytes(stored)


def test_fallback_answers_are_not_cached(app, session, fake) -> None:
    fake.mode = "error"
    assert resolve_place("Kashgar").geocoder == "offline:exact"
    assert session.exec(select(GeocodeCache)).all() == []


def test_pending_through_the_self_hosted_service_fills_the_cache(app, session, fake) -> None:
    if "geocode" not in app.cli.commands:
        init_app(app)
    session.add_all([Location(raw_text="Kashgar", country_hint="CN") for _ in range(2)])
    session.commit()
    worker = make_user(session, "caseworker")
    result = app.test_cli_runner().invoke(args=["geocode", "pending", "--as", worker.email],
                                          input=STAFF_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    session.expire_all()
    rows = session.exec(select(Location)).all()
    expected = ("geocoded", "nominatim", "osm:relation/3407411")
    assert [(r.status, r.geocoder, r.gazetteer_id) for r in rows] == [expected] * 2
    assert len(fake.requests) == 1  # the second row came from the cache
    assert len(session.exec(select(GeocodeCache)).all()) == 1


def test_nothing_is_cached_under_a_keyring_the_database_does_not_know(app, session, fake) -> None:
    """A GET may geocode, so the cache checks the keyring itself instead of waiting for a POST."""
    import base64
    import secrets

    from tracker.key_check import keyring_of, verify_keyring

    verify_keyring(app.extensions["tracker.engine"], keyring_of(app.config))  # the right ring, recorded
    key_id = app.config["ACTIVE_DATA_KEY"]
    app.config["DATA_KEYS"] = {key_id: base64.b64encode(secrets.token_bytes(32)).decode()}
    assert resolve_place("Kashgar", "CN").geocoder == "nominatim"  # the answer still comes back
    assert session.exec(select(GeocodeCache)).all() == []
