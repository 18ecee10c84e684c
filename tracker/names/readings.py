"""Readings of a name: the name as word lists, one list per reading family (script or spelling).

A reading is the name in one family's letters, cut into words: 黎智英 reads ``zh`` [li, zhiying]
and ``yue`` [lai, chiying]; བཀྲ་ཤིས་དབང་ཕྱུག reads ``bo`` [ta, si, wang, cuk] (syllables: Tibetan
writes no spaces between words); "Ilham Tohti" reads ``uy`` [ilham, tohti] and, in every other
family, its own fold. ``raw`` keeps the name as typed (case-folded) and its plain ASCII form.

The tokenizer splits only at what is not a letter, mark or digit, so Tibetan vowel signs and
subjoined letters, Khmer coeng and vowel signs and Arabic harakat stay inside their syllable
(Python's ``\\w`` treats combining marks as separators, which cut ཤིས into ཤ and ས).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from .alphabets import cyrillic_latin, uyghur_latin
from .fold import FOLDS, TURKIC_LETTERS, ascii_word
from .han import cantonese, is_han, mandarin, split_surname, transcribed_words
from .khmer import khmer_latin
from .tibetan import phonetic

ALL_FAMILIES = frozenset(FOLDS)
# Which spelling conventions a Latin-script name is read in, by the person's community: a
# Mandarin name stored in Latin letters is not folded the Uyghur way (Xu is not Hu).
COMMUNITY_FAMILIES = {
    "uyghur": {"uy"}, "kazakh": {"uy"}, "tibetan": {"bo"}, "hongkong": {"yue", "zh"},
    "chinese_dissident": {"zh"}, "falun_gong": {"zh"}, "southern_mongolian": {"zh"},
    "cambodian": {"km"}, "eritrean": {"et"},
}


@dataclass(frozen=True)
class Reading:
    """One way to read a name: a family and the name's words in that family's letters (not yet folded:
    folds work across word boundaries, so they apply to joined runs of words)."""

    family: str
    words: tuple[str, ...]


def families_for(community: str | None) -> frozenset[str]:
    """The families a Latin-script name of this community is read in (all when unknown)."""
    return frozenset(COMMUNITY_FAMILIES.get(community or "", ALL_FAMILIES))


def chunks(name: str) -> list[str]:
    """The name cut at every character that is not a letter, a combining mark or a digit."""
    text = unicodedata.normalize("NFKC", name).casefold()
    pieces, current = [], []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LMN":
            current.append(ch)
        elif category != "Cf":  # zero-width joiners belong to the word they sit in
            if current:
                pieces.append("".join(current))
            current = []
    if current:
        pieces.append("".join(current))
    return pieces


def script_of(chunk: str) -> str:
    """The script of a chunk, from its first letter."""
    code = ord(chunk[0])
    if is_han(chunk[0]):
        return "Hani"
    for script, low, high in (("Tibt", 0x0F00, 0x0FFF), ("Arab", 0x0600, 0x08FF), ("Khmr", 0x1780, 0x17FF),
                              ("Ethi", 0x1200, 0x139F), ("Ethi", 0x2D80, 0x2DDF), ("Cyrl", 0x0400, 0x052F)):
        if low <= code <= high:
            return script
    return "Latn"


def _latin_words(word: str, families: Iterable[str]) -> dict[str, list[str]]:
    """A Latin (or otherwise romanised) word for each family, in ASCII letters."""
    words = {}
    for family in families:
        letters = ascii_word(word.translate(TURKIC_LETTERS) if family == "uy" else word)
        if letters:
            words[family] = [letters]
    return words


def _han_words(chunk: str, whole: bool) -> dict[str, list[str]]:
    """A Han chunk's words: surname and given name in Mandarin and Cantonese, transcriptions by table."""
    parts = [chunk] if whole else split_surname(chunk)
    surname = [not whole and i == 0 and len(parts) > 1 for i in range(len(parts))]
    words = {"zh": [mandarin(p, s) for p, s in zip(parts, surname, strict=True)],
             "yue": [cantonese(p, s) for p, s in zip(parts, surname, strict=True)]}
    for family in ("uy", "bo"):
        found = transcribed_words(chunk, family)
        if found:
            words[family] = [ascii_word(w) for w in found]
    return words


def _chunk_words(chunk: str, script: str, latin_families: frozenset[str], han_whole: bool) -> dict[str, list[str]]:
    """The words one chunk gives each family (``raw`` included)."""
    if script == "Hani":
        words = _han_words(chunk, han_whole)
        words["raw"] = [chunk] if han_whole else split_surname(chunk)
        return words
    if script == "Tibt":
        words = {"bo": [phonetic(chunk)]}
    elif script == "Arab":
        words = _latin_words(uyghur_latin(chunk), {"uy"})
    elif script == "Cyrl":
        words = _latin_words(cyrillic_latin(chunk), {"uy"} | latin_families)
    elif script == "Khmr":
        words = {"km": [ascii_word(khmer_latin(chunk))]}
    elif script == "Ethi":
        words = {"et": [ascii_word(anyascii(chunk))]}
    else:
        words = _latin_words(chunk, latin_families)
    words["raw"] = [chunk]
    return words


@lru_cache(maxsize=4096)
def readings(name: str, families: frozenset[str] = ALL_FAMILIES) -> tuple[Reading, ...]:
    """Every reading of a name; ``families`` are the ones Latin-script words are folded into."""
    pieces = chunks(name)
    scripts = [script_of(piece) for piece in pieces]
    han_whole = scripts.count("Hani") > 1  # 伊力哈木·土赫提: each dot-separated part is a word
    per_chunk = [_chunk_words(p, s, families, han_whole) for p, s in zip(pieces, scripts, strict=True)]
    found: dict[str, list[str]] = {}
    for words in per_chunk:
        for family in words:
            found.setdefault(family, [])
    result = []
    for family in found:
        words_of_family: list[str] = []
        for piece, words in zip(pieces, per_chunk, strict=True):
            words_of_family += words.get(family) or [ascii_word(piece)]
        result.append(Reading(family, tuple(w for w in words_of_family if w)))
    ascii_words = tuple(w for w in (ascii_word(p) for p in pieces) if w)
    if ascii_words and "Hani" not in scripts and "Tibt" not in scripts:
        result.append(Reading("raw", ascii_words))  # "Gülnar" found by "gulnar", as before
    return tuple(reading for reading in result if reading.words)
