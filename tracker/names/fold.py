"""Spelling folds: one per reading family, mapping the spellings people use to one key.

A fold is lossy on purpose: "Tohti", "Toxti" and "Tokhti" must give the same Uyghur key, "Chee"
and "Chi" the same Cantonese key. Each family folds only within its own conventions, so the
Uyghur fold (x = kh = h) never makes the Mandarin surnames Xu and Hu equal: keys carry their
family and a Mandarin key only meets a Mandarin key.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from anyascii import anyascii

_NOT_LETTER = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"([a-z])\1+")
# Turkic letters whose ASCII spelling anyascii would shorten to one letter.
TURKIC_LETTERS = str.maketrans({"ş": "sh", "ç": "ch", "ğ": "gh", "ñ": "ng", "ə": "e", "ä": "e", "ı": "i"})


def ascii_word(word: str) -> str:
    """Lower-case ASCII letters and digits of a word: diacritics dropped, apostrophes removed."""
    return _NOT_LETTER.sub("", anyascii(unicodedata.normalize("NFKC", word)).lower())


def _rules(*pairs: tuple[str, str]) -> Callable[[str], str]:
    """A fold applying regular-expression replacements in order, then collapsing doubled letters."""
    compiled = [(re.compile(pattern), replacement) for pattern, replacement in pairs]

    def fold(word: str) -> str:
        for pattern, replacement in compiled:
            word = pattern.sub(replacement, word)
        return _DOUBLED.sub(r"\1", word)
    return fold


# Mandarin: pinyin without tones; ü written u or v.
fold_mandarin = _rules(("v", "u"))
# Cantonese: Hong Kong Government spellings and their variants (Chee/Chi, Tsz/Chi, Chow/Chau,
# Law/Lo, Kwun/Kun, Woo/Wu, Tse/Che, Lee/Lei, Shum/Sam).
fold_cantonese = _rules(("tsz", "chi"), ("sze", "si"), ("ts", "ch"), ("sh", "s"), ("ee", "i"), ("ei", "i"),
                        ("oo", "u"), ("ow", "au"), ("aw$", "o"), ("ou", "o"), ("oy", "oi"), ("kw", "k"),
                        ("am", "um"))
# Uyghur and Kazakh: ULY, Turkish-style and English spellings (x/kh/h, q/k/ck, gh/g, w/v, f/p, y/i,
# and e/a, which Uyghur vowel harmony and English spellings trade: Gulshen/Gulshan, Ehmet/Ahmet).
fold_turkic = _rules(("ck", "k"), ("kh", "h"), ("x", "h"), ("q", "k"), ("gh", "g"), ("v", "w"), ("f", "p"),
                     ("y", "i"), ("e", "a"))
# Tibetan phonetics: aspiration, voicing and silent letters vary between spellings (Dhondup,
# Thondup, Döndrub; Tenzin, Tendzin; Lobsang, Lozang), so all of them are folded away.
fold_tibetan = _rules(("oe", "o"), ("ue", "u"), ("h", ""), ("b", "p"), ("p(?=s)", ""),
                      ("(?<=[aeiou])p(?=[aeiou])", "w"), ("d", "t"), ("(?<!n)g", "k"), ("j", "c"),
                      ("z", "s"), ("ts", "s"),
                      ("(?<=[bcdgkpst])r", ""), ("r(?=[bcdgkpstlmn])", ""), ("w(?=o)", ""), ("k(?=w)", ""),
                      ("e(?=l)", "a"))
# Khmer: UNGEGN and French-based spellings (Kĕm/Kem/Koem, Saen/Sen, Hun/Hon).
fold_khmer = _rules(("oe", "e"), ("ae", "e"), ("eu", "e"), ("ou", "u"), ("o(?=n$)", "u"), ("y", "i"), ("ch", "c"))
# Tigrinya and Amharic: the sixth-order vowel is written e, i or not at all (Eskinder, እስክንድር);
# q, k' and k, and the ch of English spellings (Michael), are one key.
fold_ethiopic = _rules(("q", "k"), ("ch", "k"), ("y", "i"), ("(?<=.)[ei]", ""))

FOLDS: dict[str, Callable[[str], str]] = {
    "zh": fold_mandarin, "yue": fold_cantonese, "uy": fold_turkic, "bo": fold_tibetan,
    "km": fold_khmer, "et": fold_ethiopic,
}
