"""Name keys: what the blind index stores for a name and what a search looks for.

A key is ``family:letters`` (``bo:tasi``, ``yue:chiying``, ``raw:ཤིས``); only its keyed digest is
stored (DESIGN §2). A stored name gives every run of consecutive words of each reading (so a
Tibetan name is found by its disyllabic words, a Han given name joined or split) and the whole
name turned around (given name first or last). A query is cut into words the same way; it
matches when, for some way of grouping its words, every group is a key of the person: "Li Fa",
"Lifa" and "立发" all find 彭立发's given name, "Peng Li" does not (the given name is 立发).
"""
from __future__ import annotations

from functools import lru_cache
from itertools import combinations

from .fold import FOLDS
from .readings import ALL_FAMILIES, Reading, readings

MAX_WORDS = 8
MAX_GROUPED = 6
MAX_PAIRED = 4
PAIR = "+"


def fold_run(family: str, words: tuple[str, ...]) -> str:
    """Words joined and folded the family's way (``raw`` is kept as typed)."""
    joined = "".join(words)
    return _fold(family, joined) if family in FOLDS else joined


@lru_cache(maxsize=65_536)
def _fold(family: str, joined: str) -> str:
    """Folding is a chain of regular expressions, and the same words come back in name after name
    (family names, common given names, every run of a name's words): each is folded once."""
    return FOLDS[family](joined)


def word_runs(reading: Reading) -> set[str]:
    """Every run of consecutive words of a reading, and the whole name rotated, folded."""
    words = reading.words[:MAX_WORDS]
    runs = {words[i:j] for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    runs |= {words[k:] + words[:k] for k in range(1, len(words))}
    return {folded for folded in (fold_run(reading.family, run) for run in runs) if folded}


def run_pairs(reading: Reading) -> set[str]:
    """Pairs of non-overlapping runs of a short reading, each pair sorted: ``tasi+wangcuk``.

    They let a search for two common words (a common family name and a common given name) start
    from the people who have both, instead of walking everyone who has one of them.
    """
    words = reading.words
    if len(words) > MAX_PAIRED:
        return set()
    spans = [(i, j) for i in range(len(words)) for j in range(i + 1, len(words) + 1)]
    pairs = set()
    for (a, b), (c, d) in combinations(spans, 2):
        if b <= c or d <= a:
            first, second = fold_run(reading.family, words[a:b]), fold_run(reading.family, words[c:d])
            if first and second:
                pairs.add(PAIR.join(sorted((first, second))))
    return pairs


def name_keys(name: str, families: frozenset[str] = ALL_FAMILIES) -> set[str]:
    """Every key a stored name is findable by: its runs, its whole forms and its pairs of runs."""
    return {f"{r.family}:{key}" for r in readings(name, families) for key in word_runs(r) | run_pairs(r)}


def candidate_keys(name: str, families: frozenset[str] = ALL_FAMILIES) -> set[str]:
    """The keys another name must share to be worth comparing with this one: its whole forms
    (every rotation) and its pairs of runs, never a single word such as a shared family name."""
    keys = set()
    for reading in readings(name, families):
        words = reading.words[:MAX_WORDS]
        wholes = {fold_run(reading.family, words[k:] + words[:k]) for k in range(max(1, len(words)))}
        keys |= {f"{reading.family}:{key}" for key in wholes | run_pairs(reading) if key}
    return keys


def pair_part(first: set[str], second: set[str]) -> set[str]:
    """The pair keys of two query parts, family by family (see ``run_pairs``)."""
    by_family = dict(key.split(":", 1) for key in second)
    pairs = set()
    for key in first:
        family, letters = key.split(":", 1)
        if family in by_family:
            pairs.add(f"{family}:{PAIR.join(sorted((letters, by_family[family])))}")
    return pairs


def _groupings(count: int) -> list[list[tuple[int, int]]]:
    """Ways to cut ``count`` words into consecutive groups (all of them for short queries)."""
    if count > MAX_GROUPED:
        return [[(i, i + 1) for i in range(count)], [(0, count)]]
    result = []
    for cuts in range(count):
        for chosen in combinations(range(1, count), cuts):
            bounds = (0, *chosen, count)
            result.append(list(zip(bounds, bounds[1:], strict=False)))
    return result


def query_alternatives(query: str) -> list[list[set[str]]]:
    """A search as alternatives; each is a list of parts and a person must have a key of every part."""
    by_length: dict[int, list[Reading]] = {}
    for reading in readings(query, ALL_FAMILIES):
        by_length.setdefault(len(reading.words), []).append(reading)
    alternatives: list[list[set[str]]] = []
    for count, group in sorted(by_length.items()):
        for grouping in _groupings(count):
            parts = [{f"{r.family}:{fold_run(r.family, r.words[a:b])}" for r in group} for a, b in grouping]
            if parts not in alternatives:
                alternatives.append(parts)
    return alternatives


def matches(keys: set[str], query: str) -> bool:
    """Whether a name with these keys is found by this query (the same rule the database applies)."""
    return any(all(part & keys for part in parts) for parts in query_alternatives(query))
