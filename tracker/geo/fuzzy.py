"""Typo tolerance: the keys one edit away from an unknown Latin-script key ("Urumqui", "Kashgr")."""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from functools import partial
from string import ascii_lowercase

from .gazetteer import Gazetteer
from .keyindex import KeyIndex

# Shorter keys are one edit away from too many other places to guess from.
MIN_FUZZY_LENGTH = 5


def one_edit_away(key: str, last_position: int | None = None) -> Iterator[str]:
    """Strings one deletion, transposition, substitution or insertion away from key.

    Only edits at positions up to last_position are made: an edit at position i keeps
    key[:i], so it can only name a place if some key starts with key[:i].
    """
    last = len(key) if last_position is None else min(last_position, len(key))
    for i in range(last + 1):
        left, right = key[:i], key[i:]
        if right:
            yield left + right[1:]
            if len(right) > 1:
                yield left + right[1] + right[0] + right[2:]
            for letter in ascii_lowercase:
                if letter != right[0]:
                    yield left + letter + right[1:]
        for letter in ascii_lowercase:
            yield left + letter + right


def known_prefix_length(keys: list[str] | KeyIndex, key: str) -> int:
    """The length of key's longest prefix that starts some indexed key (keys are sorted)."""
    has_prefix = keys.has_prefix if isinstance(keys, KeyIndex) else partial(_list_has_prefix, keys)
    length = 0
    while length < len(key) and has_prefix(key[: length + 1]):
        length += 1
    return length


def _list_has_prefix(keys: list[str], prefix: str) -> bool:
    """Whether a sorted list holds a key starting with prefix."""
    position = bisect_left(keys, prefix)
    return position < len(keys) and keys[position].startswith(prefix)


def known_neighbours(gazetteer: Gazetteer, key: str) -> list[str]:
    """Keys of places one edit away from an unknown ASCII key (none for short or other-script keys)."""
    if len(key) < MIN_FUZZY_LENGTH or not key.isascii() or not key.isalpha():
        return []
    reach = known_prefix_length(gazetteer.keys, key)
    return [edit for edit in dict.fromkeys(one_edit_away(key, reach)) if gazetteer.places(edit)]
