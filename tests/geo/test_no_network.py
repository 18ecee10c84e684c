"""The default geocoder works with every socket blocked: nothing leaves the server (DESIGN §2)."""
from __future__ import annotations

import socket

import pytest

from tracker.geo import coarsen, resolve_place
from tracker.geo.aliases import apply_aliases
from tracker.geo.gazetteer import Gazetteer
from tracker.geo.offline import OfflineGeocoder


class NetworkUsed(AssertionError):
    """Raised by the blocked socket functions."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to open a connection or resolve a name fail the test."""

    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network call attempted: {args!r}")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_sockets_are_really_blocked(no_network: None) -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))


def test_loading_and_geocoding_offline_makes_no_network_call(no_network: None) -> None:
    gazetteer = Gazetteer()  # a fresh load from disk, not the run's cached one
    apply_aliases(gazetteer)
    geocoder = OfflineGeocoder(gazetteer)
    for query in ("Kashgar", "乌鲁木齐", "ལྷ་ས།", "Flushing, NY", "Sefaköy", "Xinjiang", "qqqzzz"):
        geocoder.geocode(query)
    assert geocoder.reverse((39.47, 75.99)).raw["name"] == "Kashgar"
    assert coarsen(39.47, 75.99, "city", "admin1", gazetteer) is not None


def test_resolve_place_outside_an_app_is_offline(no_network: None) -> None:
    match = resolve_place("Hotan")
    assert match.geocoder.startswith("offline:")
