"""Geo test fixtures: one offline geocoder (and gazetteer) for the whole run."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tracker.geo.gazetteer import Gazetteer, load_gazetteer
from tracker.geo.offline import OfflineGeocoder

from .fake_geocoder import FakeGeocoderServer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The packaged gazetteer with the alias table, loaded once per run."""
    return load_gazetteer()


@pytest.fixture(scope="session")
def offline(gazetteer: Gazetteer) -> OfflineGeocoder:
    """The offline geopy geocoder over that gazetteer."""
    return OfflineGeocoder(gazetteer)


@pytest.fixture
def fake() -> Iterator[FakeGeocoderServer]:
    """A running fake self-hosted geocoding server on 127.0.0.1."""
    with FakeGeocoderServer() as server:
        yield server
