"""Normalisation: every spelling of a name reaches the same key."""
from __future__ import annotations

import pytest

from tracker.geo.fuzzy import known_prefix_length, one_edit_away
from tracker.geo.normalise import keys_for_name, place_key, split_qualifiers, stripped_key


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("URUMQI", "Urumqi"),  # case
        ("Ürümqi", "Urumqi"),  # accents
        ("Wu lu mu qi", "Wulumuqi"),  # spacing
        ("K'a-shih", "Ka shih"),  # apostrophes and hyphens
        ("İSTANBUL", "istanbul"),  # Turkish dotted capital I
        ("Avcılar", "Avcilar"),  # Turkish dotless i
        ("KÜÇÜKÇEKMECE", "Kucukcekmece"),
        ("ལྷ་ས།", "ལྷས"),  # Tibetan tsheg and shad
        ("ལྷ་ས", "ལྷ་ས།"),
        ("Ｋａｓｈｇａｒ", "Kashgar"),  # full-width forms (NFKC)
    ],
)
def test_spellings_share_a_key(typed: str, canonical: str) -> None:
    assert place_key(typed) == place_key(canonical)


def test_tibetan_vowels_and_subjoined_letters_are_kept() -> None:
    # Combining marks are letters in Tibetan: "ལྷ་ས" (Lhasa) must not fold into "ལ་ས".
    assert place_key("ལྷ་ས") != place_key("ལ་ས")


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("Kashi Shi", "kashi"),
        ("喀什市", "喀什"),
        ("伊宁县", "伊宁"),
        ("深水埗區", "深水埗"),
        ("Quebec City", "quebec"),
        ("Orange County", "orange"),
        ("قەشقەر شەھىرى", place_key("قەشقەر")),
    ],
)
def test_generic_suffixes_are_stripped(name: str, stripped: str) -> None:
    assert stripped_key(name) == stripped
    assert {place_key(name), stripped} == keys_for_name(name)


def test_a_bare_suffix_is_not_stripped_to_nothing() -> None:
    assert stripped_key("City") is None
    assert stripped_key("市") is None


def test_qualifiers_split_on_latin_cjk_and_arabic_commas() -> None:
    assert split_qualifiers(" Kashgar , Xinjiang,China ") == ["Kashgar", "Xinjiang", "China"]
    assert split_qualifiers("喀什，新疆、中国") == ["喀什", "新疆", "中国"]
    assert split_qualifiers("قەشقەر، شىنجاڭ") == ["قەشقەر", "شىنجاڭ"]
    assert split_qualifiers(" , ") == []


def test_typo_candidates_cover_every_single_edit() -> None:
    edits = set(one_edit_away("kashgr"))
    assert {"kashgar", "kashg", "akshgr", "kasgr", "kashgrs"} <= edits
    assert "kashgr" not in edits
    limited = set(one_edit_away("kashgr", last_position=2))
    assert limited < edits and all(edit.endswith("gr") for edit in limited)  # "gr" is never touched


def test_known_prefix_length_stops_where_no_key_continues() -> None:
    keys = sorted(["kashgar", "kashi", "kunming"])
    assert known_prefix_length(keys, "kashgr") == 5
    assert known_prefix_length(keys, "xyz") == 0
