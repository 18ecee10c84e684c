"""The packaged data: index format, alias table citations, attribution shown in the README."""
from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from tracker.geo import ATTRIBUTION
from tracker.geo.aliases import read_aliases
from tracker.geo.build_index import key_sections
from tracker.geo.gazetteer import Gazetteer
from tracker.geo.normalise import KEY_VERSION, keys_for_name
from tracker.geo.store import INDEX_PATH, read_header, write_index

README = Path(__file__).parents[2] / "README.md"


def test_the_packaged_index_is_current_and_attributed() -> None:
    header = read_header(INDEX_PATH)
    assert header["key_version"] == KEY_VERSION
    assert "GeoNames" in header["attribution"] and "CC BY 4.0" in header["attribution"]
    assert INDEX_PATH.stat().st_size < 8_000_000  # committed data stays small


def test_the_readme_shows_the_attribution_word_for_word() -> None:
    text = " ".join(README.read_text(encoding="utf-8").replace("> ", " ").split())
    assert " ".join(ATTRIBUTION.split()) in text


def test_every_alias_entry_cites_a_source() -> None:
    table = read_aliases()
    entries = [entry for section in table.values() for entry in section]
    assert len(entries) > 80
    assert all(entry["source"].strip() for entry in entries)
    assert all(entry["precision"] == "neighbourhood" for entry in table["place"] if "precision" in entry)


def test_an_entry_without_a_source_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.toml"
    bad.write_text('[[place]]\nid = "x"\nname = "X"\nlat = 1.0\nlon = 2.0\ncountry = "CN"\n')
    with pytest.raises(ValueError, match="without a source"):
        read_aliases(bad)


def test_a_small_index_round_trips_through_the_loader(tmp_path: Path) -> None:
    places = [("Kashgar", ["Kaxgar", "喀什市"], 39.46718, 75.98675), ("Kashi", ["Kashgar"], 30.0, 100.0)]
    keys, postings, shared = key_sections([set().union(*map(keys_for_name, [n, *alts])) for n, alts, _, _ in places])
    columns = {
        "lat": array("i", [round(p[2] * 100_000) for p in places]),
        "lon": array("i", [round(p[3] * 100_000) for p in places]),
        "population": array("I", [500_000, 1_000]),
        "country": array("H", [0, 0]),
        "admin1": array("H", [0, 0]),
        "geonameid": array("I", [1280849, 1]),
    }
    header = {"key_version": KEY_VERSION, "attribution": ATTRIBUTION, "source": "test", "places": 2,
              "countries": [["CN", "China", 35.0, 103.0, 1_400_000_000, ["china", "cn"]]],
              "admin1": [["CN", "13", "Xinjiang", 41.0, 85.0, 500_000, ["xinjiang"]]]}
    path = tmp_path / "tiny.xz"
    write_index(path, header, {"names": "Kashgar\nKashi", "keys": keys, "postings": postings,
                               "shared": shared, **columns})
    gazetteer = Gazetteer(path)
    assert gazetteer.places("kaxgar") == (0,)
    assert gazetteer.places("喀什") == (0,)  # indexed without its 市
    assert sorted(gazetteer.places("kashgar")) == [0, 1]
    assert [r.name for r in gazetteer.regions("xinjiang")] == ["Xinjiang"]
    assert gazetteer.point(0) == (39.46718, 75.98675)
    assert gazetteer.nearest(39.5, 76.0) == 0
