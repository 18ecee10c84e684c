"""Dates as NGOs type them in spreadsheets ("Sept 2018", "2019?", "05/2019"), read into date + precision."""
from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
UNKNOWN = {"", "?", "unknown", "n/a", "na", "-", "--", "not known", "unk"}
# "about", "approx.", "c.", "early", "late", "~": the writer says it is a guess.
HEDGES = re.compile(r"^(about|approx\.?|approximately|around|circa|ca\.?|c\.|early|mid|late|~)\s*", re.I)


class DateNotUnderstood(ValueError):
    """The text is not a date this reader understands (the row is refused with the reason)."""


def parse_messy_date(value: object) -> tuple[date | None, str]:
    """The date a cell means and its precision code (exact, month, year, estimate, unknown)."""
    if isinstance(value, datetime):
        return value.date(), "exact"
    if isinstance(value, date):
        return value, "exact"
    text = " ".join(str(value or "").split()).strip().lower()
    if text in UNKNOWN:
        return None, "unknown"
    guessed = text.endswith("?") or bool(HEDGES.match(text))
    text = HEDGES.sub("", text.rstrip("?").strip()).strip()
    found, precision = _read(text)
    return found, "estimate" if guessed else precision


def _read(text: str) -> tuple[date, str]:
    """Read an unhedged date; DateNotUnderstood when no known shape fits."""
    try:
        if m := re.fullmatch(r"(\d{4})", text):
            return date(int(m[1]), 1, 1), "year"
        if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text):
            return date(int(m[1]), int(m[2]), 1), "month"
        if m := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text):
            return date(int(m[2]), int(m[1]), 1), "month"
        if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
            return date(int(m[1]), int(m[2]), int(m[3])), "exact"
        if m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
            # Day first, as most of the world writes it; a US month-first date reads wrong only
            # when both parts are 12 or less, and then the day/month order is the profile's to fix.
            day, month = int(m[1]), int(m[2])
            if month > 12 >= day:
                day, month = month, day
            return date(int(m[3]), month, day), "exact"
        if m := re.fullmatch(r"([a-z]+)\.?,?\s+(\d{4})", text):
            return date(int(m[2]), _month(m[1]), 1), "month"
        if m := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})", text):
            return date(int(m[3]), _month(m[2]), int(m[1])), "exact"
        if m := re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", text):
            return date(int(m[3]), _month(m[1]), int(m[2])), "exact"
    except ValueError as error:  # month 13, 31 February...
        raise DateNotUnderstood(text) from error
    raise DateNotUnderstood(text)


def _month(word: str) -> int:
    """The month number of an English month name or abbreviation."""
    if word not in MONTHS:
        raise DateNotUnderstood(word)
    return MONTHS[word]
