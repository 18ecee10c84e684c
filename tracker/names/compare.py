"""Whether two names may be one person's, and why: the rule duplicate suggestions apply.

Two names match when, in one reading family, they are the same name (any order, any spacing,
any script: ``same_name``) or every word of the shorter (at least two words) is a word or run of
words of the longer (``all_parts``: "Tashi Wangchuk" and "Tashi Wangchuk Tsering"). Sharing
only some words is never enough: sisters Gulshan Abbas and Rushan Abbas share a family name and
are two people, as are Tenzin Dolma and Tenzin Dorje.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .keys import MAX_WORDS, fold_run, word_runs
from .readings import ALL_FAMILIES, readings

STRENGTH = {"same_name": 1.0, "all_parts": 0.8}


@dataclass(frozen=True)
class NameMatch:
    """How two names met: ``same_name`` or ``all_parts``, in which reading family."""

    kind: str
    family: str

    @property
    def strength(self) -> float:
        """How strongly this kind of match suggests one person (1 for the same name)."""
        return STRENGTH[self.kind]


@dataclass(frozen=True)
class _Shape:
    """What comparing needs of one reading: whole-name forms, its single words, all its runs."""

    family: str
    whole: frozenset[str]
    words: frozenset[str]
    runs: frozenset[str]
    count: int


@lru_cache(maxsize=8192)
def _shapes(name: str, families: frozenset[str]) -> tuple[_Shape, ...]:
    """The shapes of every reading of a name (cached: dedup compares one name with many)."""
    shapes = []
    for reading in readings(name, families):
        words = reading.words[:MAX_WORDS]
        whole = {fold_run(reading.family, words[k:] + words[:k]) for k in range(max(1, len(words)))}
        singles = {fold_run(reading.family, (w,)) for w in words}
        shapes.append(_Shape(reading.family, frozenset(whole), frozenset(singles),
                             frozenset(word_runs(reading)), len(words)))
    return tuple(shapes)


def _compare_shapes(a: _Shape, b: _Shape) -> str | None:
    """``same_name``, ``all_parts`` or None for two readings of one family."""
    if a.whole & b.whole:
        return "same_name"
    short, long = sorted((a, b), key=lambda shape: shape.count)
    if short.count >= 2 and short.words <= long.runs:
        return "all_parts"
    return None


def compare_names(a: str, b: str, families_a: frozenset[str] = ALL_FAMILIES,
                  families_b: frozenset[str] = ALL_FAMILIES) -> NameMatch | None:
    """The strongest way two names match, or None; ``families_*`` as for ``readings``."""
    best: NameMatch | None = None
    others = _shapes(b, families_b)
    for sa in _shapes(a, families_a):
        for sb in others:
            if sa.family != sb.family:
                continue
            kind = _compare_shapes(sa, sb)
            if kind and (best is None or STRENGTH[kind] > best.strength):
                best = NameMatch(kind, sa.family)
                if kind == "same_name":
                    return best
    return best
