"""Dates come out at their precision whether or not coarsening changes them (report and nested status)."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.models.inputs import ReportCreate

MARCH_1, MARCH_17, JANUARY_1 = date(2021, 3, 1), date(2021, 3, 17), date(2021, 1, 1)


@pytest.mark.parametrize(("typed", "precision", "wanted"), [
    ("2021-03-17", "exact", MARCH_17), ("2021-03-17", "estimate", MARCH_17), ("2021-03-17", "month", MARCH_1),
    ("2021-03-17", "year", JANUARY_1), ("2021-03-17", "unknown", None),
    ("2021-03-01", "exact", MARCH_1), ("2021-03-01", "month", MARCH_1), ("2021-01-01", "year", JANUARY_1),
])
def test_a_date_is_kept_to_its_precision_whether_or_not_that_changes_it(typed, precision, wanted):
    report = ReportCreate.model_validate({
        "event_date": typed, "event_date_precision": precision,
        "relatives": [{"relationship_type": "parent",
                       "statuses": [{"status": "questioned", "status_date": typed, "date_precision": precision}]}],
    })
    assert report.event_date == wanted
    assert report.relatives[0].statuses[0].status_date == wanted
