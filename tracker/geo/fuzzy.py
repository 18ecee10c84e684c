"""Typo tolerance: the keys one edit away from an unknown Latin-script key ("Urumqui", "Kashgr")."""
from __future__ import annotations

from collections.abc import Iterator
from string import ascii_lowercase

from .gazetteer import Gazetteer

# Shorter keys are one edit away from too many other places to guess from.
MIN_FUZZY_LENGTH = 5


def one_edit_away(key: str) -> Iterator[str]:
    """Every string one deletion, transposition, substitution or insertion away from key."""
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]
            if len(right) > 1:
                yield left + right[1] + right[0] + right[2:]
            for letter in ascii_lowercase:
                if letter != right[0]:
                    yield left + letter + right[1:]
        for letter in ascii_lowercase:
            yield left + letter + right


def known_neighbours(gazetteer: Gazetteer, key: str) -> list[str]:
    """Keys of places one edit away from an unknown ASCII key (none for short or other-script keys)."""
    if len(key) < MIN_FUZZY_LENGTH or not key.isascii() or not key.isalpha():
        return []
    return [edit for edit in dict.fromkeys(one_edit_away(key)) if gazetteer.places(edit)]
