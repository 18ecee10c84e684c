"""Messy spreadsheet dates read into a date and its precision."""
from datetime import date, datetime

import pytest

from tracker.exchange.messy_dates import DateNotUnderstood, parse_messy_date


@pytest.mark.parametrize("text, expected", [
    ("Sept 2018", (date(2018, 9, 1), "month")),
    ("September 2018", (date(2018, 9, 1), "month")),
    ("2019?", (date(2019, 1, 1), "estimate")),
    ("about 2019", (date(2019, 1, 1), "estimate")),
    ("2019", (date(2019, 1, 1), "year")),
    ("2019-05", (date(2019, 5, 1), "month")),
    ("05/2019", (date(2019, 5, 1), "month")),
    ("2020-03-14", (date(2020, 3, 14), "exact")),
    ("14/03/2020", (date(2020, 3, 14), "exact")),
    ("03/14/2020", (date(2020, 3, 14), "exact")),
    ("14 March 2020", (date(2020, 3, 14), "exact")),
    ("March 14, 2020", (date(2020, 3, 14), "exact")),
    ("", (None, "unknown")),
    ("unknown", (None, "unknown")),
    (None, (None, "unknown")),
    (datetime(2021, 1, 2, 0, 0), (date(2021, 1, 2), "exact")),
])
def test_messy_dates_are_read_with_their_precision(text, expected):
    assert parse_messy_date(text) == expected


@pytest.mark.parametrize("text", ["sometime", "2019-13", "31/02/2020", "Smarch 2020"])
def test_unreadable_dates_are_refused_not_guessed(text):
    with pytest.raises(DateNotUnderstood):
        parse_messy_date(text)
