"""Normalising and romanising people's names into the tokens the blind index stores.

A name is searchable by equality only (names are sealed: DESIGN §2), so the same person typed
"Wang Lei", "wang  lei", "王磊" or "Lei Wang" must produce overlapping tokens. Each name yields
its parts, its compact form (no separators) and, through ``anyascii``, the same in Latin script:
Han characters become one pinyin syllable each, Cyrillic and Arabic-script letters their usual
Latin letters, and diacritics are dropped ("Gülnar" -> "gulnar").
"""
from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Anything that is not a letter or digit separates name parts ("Chan Ka-wai", "bstan-'dzin").
_SEPARATORS = re.compile(r"[^\w]+|_+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def normalise(text: str) -> str:
    """Case-fold and compose the text so equal names compare equal whatever the input method."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def parts(text: str) -> list[str]:
    """Split a normalised name into its parts, each Han character being a part of its own."""
    spaced = _HAN.sub(lambda match: f" {match.group(0)} ", normalise(text))
    return [part for part in _SEPARATORS.split(spaced) if part]


def romanise(text: str) -> str:
    """The name in Latin letters: pinyin syllables for Han, transliteration for other scripts."""
    spaced = _HAN.sub(lambda match: f" {match.group(0)} ", text)
    # Apostrophes mark ayn/hamza or syllable breaks in romanisations; people rarely type them.
    return normalise(anyascii(spaced)).replace("'", "").replace("`", "")


def name_tokens(name: str) -> set[str]:
    """Every token one name is findable by: parts and compact form, native and romanised."""
    tokens: set[str] = set()
    for form in {normalise(name), romanise(name)}:
        form_parts = parts(form)
        tokens.update(form_parts)
        if form_parts:
            tokens.add("".join(form_parts))
    return tokens


def query_parts(query: str) -> list[set[str]]:
    """For a search, each query part with its romanised form: a person must match every part."""
    wanted: list[set[str]] = []
    for part in parts(query):
        forms = {part, "".join(parts(romanise(part)))}
        wanted.append({form for form in forms if form})
    return wanted
