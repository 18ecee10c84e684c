"""ISO 3166-1 alpha-2 country codes and their names in the reader's language, from CLDR (Babel)."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale

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
    """Code -> name in this locale, sorted by name, for select boxes and tables."""
    territories = Locale.parse(locale).territories
    names = {code: territories.get(code, code) for code in country_codes()}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def country_name(code: str, locale: str = "en") -> str:
    """The country's name in this locale, or the code itself when unknown."""
    return country_names(locale).get(code, code)
