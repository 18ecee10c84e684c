"""Country names in every reporter language: CLDR's, completed from a sourced data file where
CLDR lacks them (Kinyarwanda), shown in the form's list and understood when typed back."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlmodel import select

import tracker
from tests.conftest import post_form
from tracker.countries import country_codes, country_names, supplementary_names
from tracker.models import Report

# The reporter languages whose script is not Latin: a name equal to English there is a gap.
NON_LATIN = ("zh_Hans", "zh_Hant", "ug", "km", "ti")


@pytest.mark.parametrize("code", ["es", "fr", "km", "ti", "rw"])
def test_every_country_has_a_name_in_each_new_language(code):
    names = country_names(code)
    assert set(names) == country_codes()
    assert [country for country, name in names.items() if name == country] == []
    english = country_names("en")
    same_as_english = {country for country in names if names[country] == english[country]}
    # Names such as "Kenya", "Mali" or "Canada" are spelt alike in Latin-script languages; a
    # language where most names equal English is one whose names were not found.
    assert len(same_as_english) < len(names) // 2, sorted(same_as_english)


@pytest.mark.parametrize("code", NON_LATIN)
def test_non_latin_languages_show_no_english_country_name(code):
    english = country_names("en")
    latin = {country for country, name in country_names(code).items()
             if name == english[country] and re.fullmatch(r"[\x00-\u024f’ .()&-]+", name)}
    assert latin == set()


def test_kinyarwanda_names_come_from_the_cited_file_and_cldr_wins():
    path = Path(tracker.__file__).parent / "data" / "country_names_rw.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    sourced, drafts = data["from_iso_codes"], data["drafts"]
    assert "iso-codes" in sourced["source"] and "LGPL" in sourced["source"]
    assert "NOT from a published source" in drafts["source"]
    for names in (sourced["names"], drafts["names"]):
        assert set(names) <= country_codes() and all(name.strip() for name in names.values())
    supplement = supplementary_names("rw")
    assert supplement["CU"] == drafts["names"]["CU"]  # a draft overrides a doubtful entry
    assert country_names("rw")["RW"] == "U Rwanda"  # CLDR's own name, not the file's "Rwanda"
    assert country_names("rw")["BE"] == sourced["names"]["BE"] == "Ububiligi"
    assert supplementary_names("es") == {}


@pytest.mark.parametrize(("code", "typed", "expected"), [
    ("rw", "Ububiligi", "BE"), ("km", "កម្ពុជា", "KH"), ("ti", "ኤርትራ", "ER"),
    ("es", "Nicaragua", "NI"), ("fr", "Cambodge", "KH"),
])
def test_the_form_lists_and_understands_local_country_names(client, session, code, typed, expected):
    page = client.get(f"/report?lang={code}").get_data(as_text=True)
    datalist = re.search(r'<datalist id="countries">(.*?)</datalist>', page, re.S).group(1)
    assert f"<option>{typed}" in datalist
    response = post_form(client, "/report", {"narrative": "test", "host_country": typed})
    assert 'class="field-error"' not in response.get_data(as_text=True)
    assert session.exec(select(Report.host_country)).all() == [expected]
