"""Dates as precise as they are known: a year-only date reads "2020", never "2020-01-01" (issue 12)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _


def shown_date(value: date | str | None, precision: str | None) -> str:
    """The date (or ISO text, as reports keep it) cut to its precision, "about ..." for an estimate."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if value is None or precision == "unknown":
        return _("date unknown")
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    if precision == "estimate":
        return _("about %(date)s", date=value.isoformat())
    return value.isoformat()
