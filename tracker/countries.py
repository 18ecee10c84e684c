"""ISO 3166-1 alpha-2 country codes and their names in the reader's language, from CLDR (Babel),
completed from tracker/data/country_names_<locale>.json where CLDR lacks a language's names."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from babel import Locale

_SUPPLEMENTS = Path(__file__).parent / "data"

# CLDR also names groupings, pseudo-regions and ISO's "exceptionally reserved" codes (AC, CP, DG,
# EA, IC, TA), none of them an assigned ISO 3166-1 country.
_NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "AC", "CP", "DG", "EA", "IC", "TA"}
)


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """Every two-letter code CLDR names, less the non-countries above (Kosovo's XK stays)."""
    names = Locale.parse("en").territories
    return frozenset(c for c in names if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES)


def is_country(code: str | None) -> bool:
    """Whether this is a known ISO 3166-1 alpha-2 code (upper case)."""
    return bool(code) and code in country_codes()


@lru_cache(maxsize=16)
def country_names(locale: str = "en") -> dict[str, str]:
    """Code -> name in this locale, sorted by name, for select boxes and tables: CLDR's name,
    else the supplement's, else the code itself."""
    territories, supplement = Locale.parse(locale).territories, supplementary_names(locale)
    names = {code: territories.get(code) or supplement.get(code) or code for code in country_codes()}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def supplementary_names(locale: str) -> dict[str, str]:
    """Names CLDR lacks in this locale, from a data file that cites its source (CLDR has three
    Kinyarwanda country names): the sourced names, overridden by the drafts written here."""
    path = _SUPPLEMENTS / f"country_names_{locale}.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {**data["from_iso_codes"]["names"], **data["drafts"]["names"]}


def country_name(code: str, locale: str = "en") -> str:
    """The country's name in this locale, or the code itself when unknown."""
    return country_names(locale).get(code, code)
