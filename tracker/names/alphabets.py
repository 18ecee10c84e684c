"""Letter tables for the alphabets that spell every sound: Uyghur Arabic script and Cyrillic.

Uyghur Arabic script (UEY) writes every vowel, so it maps letter by letter to Uyghur Latin (ULY,
the 2006 Latin script of the Xinjiang University conference; table from its published letter
correspondences): ئىلھام توختى -> ilham toxti. The Turkic fold then meets English spellings
(Ilham Tohti). Kazakh and Kyrgyz Cyrillic use their national letter values (Kazakh 2021 Latin
alphabet, Kyrgyz BGN/PCGN), written with the digraphs English spellings use (ж zh, ш sh, ғ gh).
"""
from __future__ import annotations

_UYGHUR_ARABIC = {
    "ا": "a", "ە": "e", "ه": "e", "ب": "b", "پ": "p", "ت": "t", "ج": "j", "چ": "ch", "خ": "x", "د": "d",
    "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ک": "k",
    "گ": "g", "ڭ": "ng", "ل": "l", "م": "m", "ن": "n", "ھ": "h", "و": "o", "ۇ": "u", "ۆ": "ö", "ۈ": "ü",
    "ۋ": "w", "ې": "é", "ى": "i", "ي": "y", "ی": "y", "ئ": "", "ء": "", "ح": "h", "ع": "", "ذ": "z",
    "ث": "s", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ة": "e", "أ": "a", "إ": "i", "آ": "a",
}
_CYRILLIC = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o",
    "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "ü", "ф": "f", "х": "kh",
    "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}
# Arabic harakat and the tatweel carry no letter of their own in Uyghur names.
_IGNORED = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0640"}


def uyghur_latin(word: str) -> str:
    """A word in Uyghur Arabic script written in ULY (unknown letters kept as they are)."""
    return "".join("" if ch in _IGNORED else _UYGHUR_ARABIC.get(ch, ch) for ch in word)


def cyrillic_latin(word: str) -> str:
    """A Kazakh, Kyrgyz or Russian word in Cyrillic written in Latin letters."""
    return "".join(_CYRILLIC.get(ch, ch) for ch in word.lower())
