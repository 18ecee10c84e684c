"""Han-character names: Mandarin (pinyin), Cantonese (Hong Kong Government spellings) and the
Chinese transcriptions of Uyghur and Tibetan names.

Mandarin readings come from pypinyin and Cantonese ones from ToJyutping (both read traditional
and simplified characters, so 陳 and 陈 give the same keys). Jyutping is then spelled the way the
Hong Kong Government's romanisation writes names (z/c -> ch, j -> y, aa -> a, oe/eo -> eu/u):
黎智英 lai4 zi3 jing1 -> Lai Chi Ying, met by "Lai Chee-ying" through the Cantonese fold.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
# Two-character surnames (traditional and simplified); any other name's surname is its first character.
COMPOUND_SURNAMES = frozenset(
    "欧阳 歐陽 司马 司馬 上官 诸葛 諸葛 司徒 东方 東方 皇甫 夏侯 尉迟 尉遲 公孙 公孫 慕容 长孙 長孫 宇文 "
    "轩辕 軒轅 令狐 端木 澹台 申屠 闻人 聞人 万俟 呼延 独孤 獨孤".split())
# Surnames whose reading differs from the character's usual one (区 is Ou as a surname, not Qu).
MANDARIN_SURNAMES = {"区": "ou", "區": "ou", "曾": "zeng", "单": "shan", "單": "shan", "解": "xie", "查": "zha",
                     "仇": "qiu", "朴": "piao", "盖": "ge", "蓋": "ge", "尉": "yu", "乐": "yue", "樂": "yue",
                     "重": "chong", "种": "chong", "種": "chong", "繁": "po", "覃": "qin", "员": "yun"}
CANTONESE_SURNAMES = {"區": "au1", "区": "au1", "曾": "zang1", "單": "sin6", "单": "sin6", "解": "haai6",
                      "查": "caa4", "仇": "sau4", "樂": "lok6", "乐": "lok6", "覃": "tam4"}
_JYUTPING = re.compile(r"^(gw|kw|ng|[bpmfdtnlgkhwzcsj]?)([a-z]+?)[1-6]?$")
_INITIAL = {"b": "p", "d": "t", "g": "k", "gw": "kw", "z": "ch", "c": "ch", "j": "y"}
_FINAL = {"aa": "a", "aai": "ai", "aau": "au", "aam": "am", "aan": "an", "aang": "ang", "aap": "ap", "aat": "at",
          "aak": "ak", "ou": "o", "oe": "oe", "eoi": "ui", "eon": "un", "eot": "ut", "oeng": "eung", "oek": "euk",
          "yu": "u", "yun": "uen", "yut": "uet"}


def is_han(text: str) -> bool:
    """Whether the text holds a Han character."""
    return HAN.search(text) is not None


def split_surname(chunk: str) -> list[str]:
    """A Han name without separators as [surname, given name] (family name first, as written)."""
    if len(chunk) <= 1:
        return [chunk] if chunk else []
    cut = 2 if len(chunk) >= 3 and chunk[:2] in COMPOUND_SURNAMES else 1
    return [chunk[:cut], chunk[cut:]]


def mandarin(text: str, surname: bool = False) -> str:
    """Toneless pinyin of Han text, syllables joined (彭立发 -> penglifa); surnames read as surnames."""
    from pypinyin import Style, lazy_pinyin
    if surname and text in MANDARIN_SURNAMES:
        return MANDARIN_SURNAMES[text]
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))


def cantonese(text: str, surname: bool = False) -> str:
    """Han text in Hong Kong Government-style Cantonese spelling, syllables joined."""
    import ToJyutping
    if surname and text in CANTONESE_SURNAMES:
        return _hong_kong_spelling(CANTONESE_SURNAMES[text])
    return "".join(_hong_kong_spelling(jyutping or "") for _, jyutping in ToJyutping.get_jyutping_list(text))


def _hong_kong_spelling(jyutping: str) -> str:
    """One Jyutping syllable (with or without tone) as the Hong Kong Government spells it."""
    syllable = jyutping.split(" ")[0]
    match = _JYUTPING.match(syllable)
    if match is None:
        return re.sub(r"[^a-z]", "", syllable)
    initial, final = match.groups()
    return _INITIAL.get(initial, initial) + _FINAL.get(final, final)


@lru_cache(maxsize=1)
def transcriptions() -> dict[str, tuple[str, str]]:
    """Chinese transcriptions of Uyghur and Tibetan name words: {characters: (family, Latin)}."""
    table: dict[str, tuple[str, str]] = {}
    with resources.files(__package__).joinpath("data/han_transcriptions.tsv").open(encoding="utf-8") as rows:
        for row in csv.reader((line for line in rows if not line.startswith("#")), delimiter="\t"):
            if len(row) >= 3:
                table[row[0]] = (row[1], row[2])
    return table


def transcribed_words(chunk: str, family: str) -> list[str] | None:
    """A Han chunk cut into known transcription words of one family, longest first; None if it isn't."""
    table = transcriptions()
    if not chunk:
        return []
    for size in range(min(len(chunk), 8), 0, -1):
        head = table.get(chunk[:size])
        if head and head[0] == family:
            rest = transcribed_words(chunk[size:], family)
            if rest is not None:
                return [head[1]] + rest
    return None
