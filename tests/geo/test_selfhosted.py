"""The self-hosted path against a fake service on 127.0.0.1: clients, fallback, rate limit."""
from __future__ import annotations

import time
import pytest

from tracker.geo import resolve_place
from tracker.geo.factory import build_geocoder
from tracker.geo.offline import OfflineGeocoder
from tracker.geo.selfhosted import SelfHostedGeocoder

from .fake_geocoder import FakeGeocoderServer


def self_hosted(provider: str, fake: FakeGeocoderServer, offline: OfflineGeocoder,
                min_delay: float = 0.0) -> SelfHostedGeocoder:
    """The configured geocoder for a provider on the fake server."""
    geocoder = build_geocoder(f"{provider}:{fake.url}", min_delay, offline=offline)
    assert isinstance(geocoder, SelfHostedGeocoder)
    return geocoder


@pytest.mark.parametrize(
    ("provider", "path", "ident", "confidence"),
    [
        ("nominatim", "/search", "osm:relation/3407411", 0.8),
        ("photon", "/api", "osm:R/3407411", 0.5),
        ("pelias", "/v1/search", "whosonfirst:locality:102027363", 0.9),
    ],
)
def test_each_service_answers_as_a_place_match(fake, offline, provider, path, ident, confidence) -> None:
    match = resolve_place("Kashgar", "CN", geocoder=self_hosted(provider, fake, offline))
    assert (match.name, match.country, match.admin1, match.precision) == ("Kashgar", "CN", "Xinjiang", "city")
    assert (match.lat, match.lon) == (39.47, 75.99)  # rounded to the city precision
    assert (match.gazetteer_id, match.geocoder, match.confidence) == (ident, provider, confidence)
    assert fake.requests[-1][0] == path


def test_nominatim_gets_the_country_hint_and_asks_for_address_details(fake, offline) -> None:
    resolve_place("Kashgar", "CN", geocoder=self_hosted("nominatim", fake, offline))
    _, params = fake.requests[-1]
    assert params["countrycodes"] == ["cn"]
    assert params["addressdetails"] == ["1"]


@pytest.mark.parametrize("mode", ["error", "empty"])
def test_a_failing_or_empty_service_falls_back_to_offline(fake, offline, mode: str) -> None:
    fake.mode = mode
    match = resolve_place("Sefaköy", None, geocoder=self_hosted("nominatim", fake, offline))
    assert (match.gazetteer_id, match.geocoder) == ("alias:tr-sefakoy", "offline:alias")
    assert fake.requests  # the service was asked first


def test_an_unreachable_service_falls_back_to_offline(offline) -> None:
    with FakeGeocoderServer() as gone:
        url = gone.url
    geocoder = build_geocoder(f"photon:{url}", 0.0, offline=offline)
    assert resolve_place("Kashgar", geocoder=geocoder).geocoder == "offline:exact"


def test_geopy_interface_and_reverse(fake, offline) -> None:
    geocoder = self_hosted("nominatim", fake, offline)
    location = geocoder.geocode("Kashgar")
    assert location.raw["geocoder"] == "nominatim"
    assert geocoder.reverse((39.47, 75.99)).raw["place_id"] == 1
    fake.mode = "error"
    assert geocoder.reverse((39.47, 75.99)).raw["geocoder"] == "offline:reverse"


def test_requests_are_rate_limited(fake, offline) -> None:
    geocoder = self_hosted("photon", fake, offline, min_delay=0.3)
    started = time.monotonic()
    for _ in range(3):
        geocoder.resolve("Kashgar")
    assert time.monotonic() - started >= 0.6
    assert len(fake.requests) == 3
