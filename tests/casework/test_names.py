"""Name normalisation and romanisation for the blind index."""
import pytest

from tracker.casework.names import name_tokens, query_parts


@pytest.mark.parametrize(("stored", "typed"), [
    ("Wang Lei", "wang  LEI"),
    ("王磊", "Wang Lei"),
    ("王磊", "王磊"),
    ("Chan Ka-wai", "chan ka wai"),
    ("Gülnar Memet", "Gulnar"),
    ("Lei Wang", "Wang Lei"),
    ("陳家偉", "chen jia wei"),
])
def test_a_typed_query_meets_the_stored_name(stored, typed):
    tokens = name_tokens(stored)
    assert all(forms & tokens for forms in query_parts(typed))


@pytest.mark.parametrize(("stored", "typed"), [
    ("Wang Lei", "Wang Na"),
    ("王磊", "Li Na"),
    ("Tenzin Dolma", "Tenzin Dorje"),
])
def test_a_different_name_does_not_match(stored, typed):
    tokens = name_tokens(stored)
    assert not all(forms & tokens for forms in query_parts(typed))


def test_compact_forms_match_names_typed_without_spaces():
    assert {"wanglei"} <= name_tokens("王磊")
    assert any("wanglei" in forms for forms in query_parts("WangLei"))
