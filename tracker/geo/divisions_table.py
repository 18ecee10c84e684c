"""The shipped table of second-level divisions and Chinese counties (``data/divisions.tsv``).

``build_divisions`` writes it from its sources; ``build_index`` folds it into the gazetteer.
"""
from __future__ import annotations

import csv
from pathlib import Path

from .store import DATA_DIR

DIVISIONS_PATH = DATA_DIR / "divisions.tsv"
COLUMNS = ("kind", "id", "country", "admin1", "admin2", "name", "lat", "lon", "population",
           "names", "source")


def read_divisions(path: Path = DIVISIONS_PATH) -> list[dict[str, str]]:
    """The table's rows as dicts ("names" still joined by "|")."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))
