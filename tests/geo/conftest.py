"""Geo test fixtures: one offline geocoder (and gazetteer) for the whole run."""
from __future__ import annotations

import pytest

from tracker.geo.gazetteer import Gazetteer, load_gazetteer
from tracker.geo.offline import OfflineGeocoder


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The packaged gazetteer with the alias table, loaded once per run."""
    return load_gazetteer()


@pytest.fixture(scope="session")
def offline(gazetteer: Gazetteer) -> OfflineGeocoder:
    """The offline geopy geocoder over that gazetteer."""
    return OfflineGeocoder(gazetteer)
