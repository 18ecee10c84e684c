"""Place-name normalisation: the one function that turns any spelling into a lookup key.

The gazetteer index is built with these functions, so changing them means rebuilding it
(``python -m tracker.geo.build_index``); ``KEY_VERSION`` is stored in the index to catch that.
"""
from __future__ import annotations

import re
import unicodedata

KEY_VERSION = 2

# Turkish dotted capital I and dotless small i both fold to a plain "i"; casefold() alone
# turns "İ" into "i̇" (i + combining dot) and leaves "ı" alone, so "Kadıköy" would miss "Kadikoy".
_TURKISH = str.maketrans({"İ": "i", "ı": "i"})

# Tibetan syllable marks: tsheg (U+0F0B/0F0C) and shad forms (U+0F0D..0F12, 0F14). A query
# typed with or without them, or ending in a shad, must reach the same key.
_TIBETAN_MARKS = re.compile("[\u0f0b-\u0f12\u0f14]")

# ASCII text takes a regex fast path; anything else is walked character by character because
# \W would also split off combining marks, which are letters in Tibetan, Devanagari or Arabic.
_ASCII_SEPARATORS = re.compile(r"[\W_]+")

# Generic words that people add to or drop from a place's name. Stripped as a whole trailing
# word (Latin) or trailing character (CJK); "Mexico City" keeps its full key as well.
_LATIN_SUFFIXES = frozenset(
    {
        "city", "county", "district", "town", "township", "municipality", "prefecture",
        "province", "region", "shi", "xian", "qu", "zhen", "xiang", "shehiri", "nahiyisi",
        "ilcesi", "sehri", "village", "borough",
    }
)
_CJK_SUFFIXES = ("地区", "地區", "市", "县", "縣", "区", "區", "镇", "鎮", "乡", "鄉")
_UYGHUR_SUFFIXES = ("شەھىرى", "ناھىيىسى")
# Combining marks are stripped only after Latin, Greek and Cyrillic letters (accents); in
# Tibetan, Devanagari or Arabic they are vowels and subjoined letters that must stay.
_STRIP_MARKS_BELOW = 0x0530


def words(text: str) -> list[str]:
    """Split text into folded words: NFKC, casefold, Turkish i, accents off, no punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_TURKISH).casefold()
    if text.isascii():
        return [w for w in _ASCII_SEPARATORS.split(text) if w]
    text = _TIBETAN_MARKS.sub("", text)
    return _fold(text).split()


def _fold(text: str) -> str:
    """Drop accents from European scripts, keep other scripts' marks, turn the rest into spaces."""
    out: list[str] = []
    base = 0
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) or unicodedata.category(ch)[0] == "M":
            if base >= _STRIP_MARKS_BELOW:
                out.append(ch)
            continue
        base = ord(ch)
        out.append(ch if ch.isalnum() else " ")
    return unicodedata.normalize("NFC", "".join(out))


def key_of(parts: list[str]) -> str:
    """Join words into a key; spaces are dropped so "Wu lu mu qi" meets "Wulumuqi"."""
    return "".join(parts)


def place_key(text: str) -> str:
    """The lookup key of a whole name."""
    return key_of(words(text))


def stripped_key(text: str) -> str | None:
    """The key without a trailing generic word ("Kashi Shi" -> "kashi"), or None if none."""
    return stripped_of(words(text))


def stripped_of(parts: list[str]) -> str | None:
    """stripped_key() for text already split into words."""
    if len(parts) > 1 and parts[-1] in _LATIN_SUFFIXES:
        return key_of(parts[:-1])
    if parts and not parts[-1].isascii():
        last = parts[-1]
        for suffix in _CJK_SUFFIXES + _UYGHUR_SUFFIXES:
            if last.endswith(suffix) and len(last) > len(suffix):
                return key_of(parts[:-1] + [last[: -len(suffix)]])
        if len(parts) > 1 and last in _UYGHUR_SUFFIXES:
            return key_of(parts[:-1])
    return None


def lookup_keys(text: str) -> tuple[str, ...]:
    """The keys to try for a name, most exact first: as typed, then without its suffix."""
    parts = words(text)
    full, stripped = key_of(parts), stripped_of(parts)
    if not full:
        return ()
    return (full, stripped) if stripped and stripped != full else (full,)


def keys_for_name(name: str) -> set[str]:
    """Every key under which a gazetteer name is indexed."""
    return set(lookup_keys(name))


# Words that say a name is a county or district, not the town of that name.
_DIVISION_WORDS = frozenset({"county", "xian", "district", "nahiyisi", "prefecture", "diqu", "rdzong", "dzong"})
_DIVISION_ENDINGS = ("县", "縣", "区", "區", "地区", "地區", "ناھىيىسى", "رايونى", "ۋىلايىتى", "རྫོང")


def names_division(text: str) -> bool:
    """Whether a place name ends in a word for a county or district ("Yecheng Xian", "疏附县")."""
    # Read from the raw text: this runs for every query, and words() is slow on other scripts.
    folded = text.strip().rstrip("\u0f0b\u0f0d ").casefold()
    last = folded.rsplit(None, 1)[-1] if folded else ""
    return last in _DIVISION_WORDS or folded.endswith(_DIVISION_ENDINGS)


# Separators between "place, region, country" parts, in Latin, CJK and Arabic script.
_QUALIFIER_SPLIT = re.compile(r"\s*[,，、،]\s*")


def split_qualifiers(query: str) -> list[str]:
    """Split "place, region, country" into its non-empty parts, most specific first."""
    return [p for p in _QUALIFIER_SPLIT.split(query.strip()) if p.strip()]
