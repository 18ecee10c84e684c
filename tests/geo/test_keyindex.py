"""KeyIndex: lookups in the key blob agree with bisecting the sorted list of keys."""
from __future__ import annotations

import random
from bisect import bisect_left

from tracker.geo.keyindex import BLOCK, KeyIndex, block_offsets
from tracker.geo.normalise import place_key


def _keys(count: int) -> list[str]:
    """Sorted distinct keys in several scripts, some prefixes of others."""
    rng = random.Random(13)
    alphabet = "abcdeghkqsxy喀什疏附قاغىلىقབཀྲཤིས"
    words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7))) for _ in range(count)}
    words |= {"kash", "kashgar", "kashi"}
    return sorted(place_key(w) for w in words if place_key(w))


def test_positions_match_the_sorted_list() -> None:
    keys = sorted(set(_keys(3000)))
    index = KeyIndex("\n".join(keys).encode("utf-8"))
    assert len(index) == len(keys) and len(index.offsets) == -(-len(keys) // BLOCK)
    for rank, key in enumerate(keys):
        assert index.position(key) == rank
    for missing in ("kashg", "zzz", "a" * 9, "疏", ""):
        assert (index.position(missing) is None) == (missing not in keys)


def test_prefix_questions_match_the_sorted_list() -> None:
    keys = sorted(set(_keys(3000)))
    index = KeyIndex("\n".join(keys).encode("utf-8"), block_offsets(("\n" + "\n".join(keys) + "\n").encode()))
    for prefix in ["k", "kas", "kashgr", "q", "قا", "ཀྲ", "x" * 6, "喀什疏", "zz"] + keys[::97]:
        position = bisect_left(keys, prefix)
        expected = position < len(keys) and keys[position].startswith(prefix)
        assert index.has_prefix(prefix) == expected, prefix


def test_an_empty_index_finds_nothing() -> None:
    index = KeyIndex(b"")
    assert index.position("kashgar") is None and not index.has_prefix("k") and len(index) == 0
