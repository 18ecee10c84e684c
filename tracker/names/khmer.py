"""Khmer name words in Latin letters: the common spelling where a table knows it, else UNGEGN.

anyascii writes Khmer close to the UNGEGN romanisation (កឹម -> koem), which the Khmer fold brings
to the everyday spelling (Kem); names whose usual spelling is French-based or personal (សម រង្ស៊ី
-> Sam Rainsy) come from ``data/khmer_words.tsv``.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from anyascii import anyascii


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """Khmer words and their common Latin spelling."""
    with resources.files(__package__).joinpath("data/khmer_words.tsv").open(encoding="utf-8") as rows:
        return {row[0]: row[1] for row in csv.reader((line for line in rows if not line.startswith("#")),
                                                     delimiter="\t") if len(row) >= 2}


def khmer_latin(word: str) -> str:
    """One Khmer word in Latin letters."""
    return _table().get(word) or anyascii(word)
