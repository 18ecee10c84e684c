"""``flask geocode``: lookup, JSON, batch from CSV, and the pending locations."""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tracker.geo import apply_match, correct_by_hand, geocode_location, init_app
from tracker.models import Location
from tests.factories import STAFF_PASSWORD, make_user


@pytest.fixture
def runner(app):
    """The CLI runner, with ``flask geocode`` registered even before create_app wires it."""
    if "geocode" not in app.cli.commands:
        init_app(app)
    return app.test_cli_runner()


def test_lookup_prints_the_best_match_and_alternatives(runner) -> None:
    result = runner.invoke(args=["geocode", "Richmond", "--country", "CA"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Richmond, British Columbia, CA  (49.17, -123.14)  precision=city")
    assert any(line.startswith("  or Richmond, Virginia, US") for line in lines[1:])


def test_lookup_as_json(runner) -> None:
    result = runner.invoke(args=["geocode", "Kashgar", "--json"])
    data = json.loads(result.stdout)
    assert (data["lat"], data["lon"], data["gazetteer_id"]) == (39.47, 75.99, "geonames:1280849")
    assert runner.invoke(args=["geocode", "lookup", "qqqzzzxx", "--json"]).stdout.strip() == "null"
    assert runner.invoke(args=["geocode", "qqqzzzxx"]).exit_code == 1


def test_batch_writes_one_object_per_row_in_order(runner) -> None:
    csv_text = "query,country\nKashgar,\nqqqzzzxx,\nRichmond,CA\n乌鲁木齐,\nParis,US\n"
    result = runner.invoke(args=["geocode", "--batch"], input=csv_text)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["Kashgar", "qqqzzzxx", "Richmond", "乌鲁木齐", "Paris"]
    assert rows[1]["lat"] is None and rows[1]["lon"] is None and rows[1]["name"] is None
    assert rows[2]["admin1"] == "British Columbia" and rows[4]["admin1"] == "Texas"
    assert rows[3]["name"] == "Ürümqi" and rows[3]["precision"] == "city" and rows[3]["confidence"] > 0.9
    assert "Geocoding" in result.stderr  # the progress bar goes to stderr


def test_batch_needs_a_query_column(runner) -> None:
    result = runner.invoke(args=["geocode", "--batch"], input="place\nKashgar\n")
    assert result.exit_code != 0


def test_pending_needs_a_person_who_can_open_the_places(runner, session) -> None:
    """The places are sealed to the organisation key: no password, or no grant, no geocoding."""
    session.add(Location(raw_text="Aksu", country_hint="CN"))
    session.commit()
    worker, outsider = make_user(session, "caseworker"), make_user(session, "caseworker", granted=False)
    assert runner.invoke(args=["geocode", "pending"]).exit_code != 0
    wrong = runner.invoke(args=["geocode", "pending", "--as", worker.email], input="not the password\n")
    assert wrong.exit_code != 0 and "wrong email or password" in wrong.output
    refused = runner.invoke(args=["geocode", "pending", "--as", outsider.email], input=STAFF_PASSWORD + "\n")
    assert refused.exit_code != 0 and "no access to case data" in refused.output
    session.expire_all()
    assert session.exec(select(Location)).one().status == "pending"


def test_pending_geocodes_every_pending_location(runner, session) -> None:
    session.add_all([
        Location(raw_text="Sefaköy, Istanbul"),
        Location(raw_text="Aksu", country_hint="CN"),
        Location(raw_text="qqqzzzxx"),
        Location(raw_text="Kashgar", status="manual", name="kept"),
    ])
    session.commit()
    worker = make_user(session, "caseworker")
    result = runner.invoke(args=["geocode", "pending", "--as", worker.email], input=STAFF_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "3 pending: 2 geocoded, 1 failed" in result.stdout
    session.expire_all()
    rows = session.exec(select(Location).order_by(Location.id)).all()
    sefakoy, aksu, unknown, manual = rows
    assert (sefakoy.status, sefakoy.gazetteer_id) == ("geocoded", "alias:tr-sefakoy")
    assert sefakoy.precision == "neighbourhood"
    assert (sefakoy.country, sefakoy.admin1, sefakoy.geocoder) == ("TR", "Istanbul", "offline:alias")
    assert sefakoy.lat == 40.999 and sefakoy.geocoded_at is not None
    assert (aksu.country, aksu.admin1) == ("CN", "Xinjiang")
    assert unknown.status == "failed" and unknown.lat is None
    assert manual.name == "kept" and manual.geocoded_at is None


def test_a_caseworker_can_choose_an_alternative_or_correct_by_hand(session) -> None:
    location = Location(raw_text="Richmond")
    match = geocode_location(location)
    canadian = next(alt for alt in match.alternatives if alt.country == "CA")
    apply_match(location, canadian, manual=True)
    assert (location.status, location.country, location.confidence) == ("manual", "CA", 1.0)
    assert location.geocoder == canadian.geocoder
    correct_by_hand(location, 39.4712, 75.9931, "neighbourhood", name="Old town")
    assert (location.name, location.lat, location.lon) == ("Old town", 39.471, 75.993)
    assert (location.country, location.admin1) == ("CN", "Xinjiang")
    assert (location.geocoder, location.status) == ("manual", "manual")
