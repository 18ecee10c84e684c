"""Whether two names may be one person's, and why: the rule duplicate suggestions apply.

Two names match when, in one reading family, they are the same name (any order, any spacing,
any script: ``same_name``) or every word of the shorter (at least two words) is a word or run of
words of the longer (``all_parts``: "Tashi Wangchuk" and "Tashi Wangchuk Tsering"). Sharing
only some words is never enough: sisters Gulshan Abbas and Rushan Abbas share a family name and
are two people, as are Tenzin Dolma and Tenzin Dorje.
"""
from __future__ import annotations

from dataclasses import dataclass

from .keys import MAX_WORDS, word_runs
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


def _whole(words: tuple[str, ...]) -> set[str]:
    """The whole name joined, in every rotation (family name first or last)."""
    words = words[:MAX_WORDS]
    return {"".join(words[k:] + words[:k]) for k in range(max(1, len(words)))}


def _compare_readings(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """``same_name``, ``all_parts`` or None for two word lists of one family."""
    if _whole(a) & _whole(b):
        return "same_name"
    short, long = sorted((a, b), key=len)
    if len(short) >= 2 and set(short) <= word_runs(long):
        return "all_parts"
    return None


def compare_names(a: str, b: str, families_a: frozenset[str] = ALL_FAMILIES,
                  families_b: frozenset[str] = ALL_FAMILIES) -> NameMatch | None:
    """The strongest way two names match, or None; ``families_*`` as for ``readings``."""
    best: NameMatch | None = None
    others = readings(b, families_b)
    for ra in readings(a, families_a):
        for rb in others:
            if ra.family != rb.family:
                continue
            kind = _compare_readings(ra.words, rb.words)
            if kind and (best is None or STRENGTH[kind] > best.strength):
                best = NameMatch(kind, ra.family)
                if kind == "same_name":
                    return best
    return best
