"""The GEOCODER setting: offline by default, self-hosted by URL, never a public service."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from tracker.geo import get_offline_geocoder, init_app, warm_up
from tracker.geo.factory import GeocoderSettingError, build_geocoder, parse_setting
from tracker.geo.offline import OfflineGeocoder
from tracker.geo.resolve import EXTENSION


@pytest.mark.parametrize(
    ("setting", "parsed"),
    [
        (None, ("offline", None)),
        ("offline", ("offline", None)),
        ("nominatim:http://10.1.2.3:8080", ("nominatim", "http://10.1.2.3:8080")),
        ("Photon:https://geo.internal/photon", ("photon", "https://geo.internal/photon")),
        ("pelias:http://127.0.0.1:4000", ("pelias", "http://127.0.0.1:4000")),
    ],
)
def test_settings_are_parsed(setting, parsed) -> None:
    assert parse_setting(setting) == parsed


@pytest.mark.parametrize(
    "setting",
    [
        "nominatim",  # no URL: geopy would default to the public server
        "nominatim:",
        "photon:ftp://example.org",
        "google:https://maps.googleapis.com",
        "nominatim:https://nominatim.openstreetmap.org",
        "photon:https://photon.komoot.io",
        "pelias:https://api.geocode.earth",
    ],
)
def test_public_or_incomplete_settings_are_refused(setting: str) -> None:
    with pytest.raises(GeocoderSettingError):
        parse_setting(setting)


def test_the_offline_setting_builds_the_offline_geocoder(offline: OfflineGeocoder) -> None:
    assert build_geocoder("offline", offline=offline) is offline


def test_self_hosted_clients_keep_the_path_prefix(offline: OfflineGeocoder) -> None:
    geocoder = build_geocoder("nominatim:https://geo.internal/nominatim/", offline=offline)
    assert geocoder.client.api == "https://geo.internal/nominatim/search"


def test_init_app_registers_the_command_and_checks_the_setting() -> None:
    app = Flask("geo-test")
    app.config["GEOCODER"] = "offline"
    init_app(app)
    assert "geocode" in app.cli.commands
    assert app.extensions[EXTENSION] is None  # built on first use, not at start
    bad = Flask("geo-test-bad")
    bad.config["GEOCODER"] = "nominatim:https://nominatim.openstreetmap.org"
    with pytest.raises(GeocoderSettingError):
        init_app(bad)


def test_warm_up_loads_the_gazetteer_once() -> None:
    assert warm_up() > 170_000
    assert get_offline_geocoder().gazetteer is get_offline_geocoder().gazetteer


def test_nothing_is_loaded_at_import_or_app_start() -> None:
    script = (
        "import flask, tracker.geo as geo, tracker.geo.gazetteer as g\n"
        "app = flask.Flask('x'); geo.init_app(app)\n"
        "assert g._LOADED is None and app.extensions['tracker.geocoder'] is None\n"
        "geo.get_geocoder(app)\n"
        "assert g._LOADED is None, 'building the geocoder must not load the gazetteer'\n"
    )
    root = Path(__file__).parents[2]
    subprocess.run([sys.executable, "-c", script], check=True, cwd=root, timeout=120)
