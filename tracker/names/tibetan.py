"""Tibetan script to the phonetic spelling people use: Unicode -> Wylie (pyewts) -> phonetics.

The phonetics follow the common Lhasa-based spelling of names (bkra shis -> Tashi, dbang phyug
-> Wangchuk, rgya mtsho -> Gyatso, bstan 'dzin -> Tenzin): prefixes and superscripts are
silent, subscripts change the root (py -> ch, kr -> tr, zl -> d), final d and s are silent and
with n turn a into e, final g and b sound k and p. The Tibetan fold then removes what varies
between spellings (aspiration, voicing), so the exact vowel colouring does not need to be right.
"""
from __future__ import annotations

import re
from functools import lru_cache

_CONSONANTS = sorted(("k kh g ng c ch j ny t th d n p ph b m ts tsh dz w zh z ' y r l sh s h a").split(),
                     key=len, reverse=True)
_CLUSTER = re.compile("|".join(re.escape(c) for c in _CONSONANTS))
_VOWEL = re.compile(r"[aeiouAIU]")
_Y_SUBJOINED = {"p": "ch", "ph": "ch", "b": "j", "m": "ny"}
_R_SUBJOINED = {"k": "tr", "t": "tr", "p": "tr", "kh": "thr", "th": "thr", "ph": "thr", "g": "dr", "d": "dr",
                "b": "dr", "s": "s", "m": "m", "n": "n", "h": "hr"}
_SUFFIX_SOUND = {"g": "k", "b": "p", "ng": "ng", "m": "m", "r": "r", "l": "l", "n": "n", "d": "", "s": "", "'": ""}
_UMLAUT = {"a": "e"}


@lru_cache(maxsize=1)
def _converter():
    """The pyewts converter, built once on first use (it loads tables)."""
    import pyewts
    return pyewts.pyewts()


def wylie(syllable: str) -> str:
    """The Extended Wylie transliteration of one Tibetan syllable."""
    return _converter().toWylie(syllable).strip().lower()


def _root_sound(cluster: list[str]) -> str:
    """The sound of a syllable's initial cluster: prefixes and superscripts silent, subscripts kept."""
    if not cluster:
        return ""
    subjoined = None
    if len(cluster) >= 2 and cluster[-1] in ("y", "r", "l", "w"):
        subjoined, cluster = cluster[-1], cluster[:-1]
    root, before = cluster[-1], cluster[:-1]
    if root == "b" and before[-1:] == ["d"]:
        return "y" if subjoined == "y" else "w"  # dbang -> wang, dbyangs -> yang
    if root == "h" and before[-1:] == ["l"]:
        return "lh"
    sound = "" if root in ("'", "a") else root
    if subjoined == "y":
        sound = _Y_SUBJOINED.get(root, sound + "y")
    elif subjoined == "r":
        sound = _R_SUBJOINED.get(root, sound + "r")
    elif subjoined == "l":
        sound = "d" if root == "z" else "l"
    return sound


def phonetic(syllable: str) -> str:
    """One Tibetan syllable (Unicode) in phonetic Latin letters."""
    text = wylie(syllable).replace("+", "")
    text = text.split(".")[-1]  # g.yang: the letter before the dot is a silent prefix
    vowel = _VOWEL.search(text)
    if vowel is None:
        return text
    start, end = vowel.span()
    cluster = _CLUSTER.findall(text[:start])
    vowel_letter = text[start].lower()
    suffix = text[end:].replace("'i", "").replace("'u", "")
    suffix_main = next((s for s in ("ng", "g", "b", "m", "r", "l", "n", "d", "s", "'") if suffix.startswith(s)), "")
    if suffix_main in ("n", "d", "s"):
        vowel_letter = _UMLAUT.get(vowel_letter, vowel_letter)
    return _root_sound(cluster) + vowel_letter + _SUFFIX_SOUND.get(suffix_main, "")
