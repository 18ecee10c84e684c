"""The evaluation set: 240+ real-world queries with expected places cited from GeoNames."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from tracker.geo.spatial import distance_km
from tracker.geo.offline import OfflineGeocoder

EVAL_PATH = Path(__file__).with_name("eval_queries.csv")
# Below this the gazetteer, the alias table or the ranking has regressed.
ACCURACY_THRESHOLD = 0.95


def load_eval_set() -> list[dict[str, str]]:
    """Rows of eval_queries.csv: query, country hint, expected id, coordinates, tolerance."""
    with EVAL_PATH.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def is_correct(row: dict[str, str], offline: OfflineGeocoder) -> bool:
    """Right if the expected place was chosen, or the answer lies within the row's tolerance."""
    match = offline.resolve(row["query"], row["country"] or None)
    if match is None:
        return False
    if match.gazetteer_id == row["expected_id"]:
        return True
    km = distance_km(match.lat, match.lon, float(row["lat"]), float(row["lon"]))
    return km <= float(row["tolerance_km"])


def test_eval_set_is_large_and_cited() -> None:
    rows = load_eval_set()
    assert len(rows) >= 150
    assert all(row["source"] for row in rows)
    assert len({row["category"] for row in rows}) >= 30


def test_accuracy_meets_threshold(offline: OfflineGeocoder) -> None:
    rows = load_eval_set()
    misses = [row["query"] for row in rows if not is_correct(row, offline)]
    accuracy = 1 - len(misses) / len(rows)
    assert accuracy >= ACCURACY_THRESHOLD, f"accuracy {accuracy:.3f}; missed: {misses}"


def test_every_script_is_exercised() -> None:
    scripts = Counter(_script(row["query"]) for row in load_eval_set())
    for script in ("latin", "han", "arabic", "tibetan", "cyrillic"):
        assert scripts[script] >= 3, scripts


def _script(text: str) -> str:
    """The script of a query's first letter, coarsely."""
    first = next((ch for ch in text if ch.isalpha()), "")
    code = ord(first) if first else 0
    if 0x0F00 <= code <= 0x0FFF:
        return "tibetan"
    if 0x0600 <= code <= 0x06FF:
        return "arabic"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x4E00 <= code <= 0x9FFF:
        return "han"
    return "latin" if code < 0x0250 else "other"
