"""Dashboard snapshots: stored counts are reused while fresh, recounted after, released on every read."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import OperationalError
from sqlmodel import select

from tests.analytics.conftest import PLANTED, _story
from tracker.analytics.dashboard import dashboard_tables
from tracker.analytics.statistics import NO_FILTERS, Filters
from tracker.models import StatisticsSnapshot

def stored(session) -> int:
    return len(session.exec(select(StatisticsSnapshot)).all())


def more_stories(session, count: int) -> None:
    """Stories beyond the twelve of ``populated``, in Turkey."""
    for n in range(100, 100 + count):
        _story(session, n, host="TR", tactic="assault")


def test_stored_counts_are_reused_while_fresh_and_recounted_on_request(populated):
    assert dashboard_tables(populated, NO_FILTERS).trend.total == 12
    margins = stored(populated)  # one snapshot per margin of the page's cubes
    more_stories(populated, 4)
    assert dashboard_tables(populated, NO_FILTERS).trend.total == 12  # within the maximum age
    assert dashboard_tables(populated, NO_FILTERS, recount=True).trend.total == 16
    assert stored(populated) == margins


def test_expired_counts_are_recounted(populated):
    dashboard_tables(populated, NO_FILTERS)
    more_stories(populated, 4)
    for snapshot in populated.exec(select(StatisticsSnapshot)):
        snapshot.computed_at -= timedelta(hours=1)
    populated.commit()
    tables = dashboard_tables(populated, NO_FILTERS)
    assert tables.trend.total == 16
    assert tables.breakdowns["host_country"].cells[-1].key == ("TR",)


def test_a_maximum_age_of_zero_counts_live_and_stores_nothing(populated, app):
    app.config["ANALYTICS_SNAPSHOT_MAX_AGE"] = 0
    dashboard_tables(populated, NO_FILTERS)
    more_stories(populated, 4)
    assert dashboard_tables(populated, NO_FILTERS).trend.total == 16
    assert populated.exec(select(StatisticsSnapshot)).all() == []


def test_disclosure_control_runs_on_every_read_of_stored_counts(populated, app):
    assert dashboard_tables(populated, NO_FILTERS).breakdowns["host_country"].total == 12
    app.config["SUPPRESSION_THRESHOLD"] = 13  # raised after the counts were stored
    tables = dashboard_tables(populated, NO_FILTERS)
    assert tables.trend.total is None
    assert all(cell.suppressed for cell in tables.breakdowns["host_country"].cells)


def test_each_filter_set_has_its_own_snapshot(populated):
    assert dashboard_tables(populated, NO_FILTERS).trend.total == 12
    assert dashboard_tables(populated, Filters(host_country="DE")).trend.total == 4


def test_snapshots_hold_counts_and_codes_only(populated):
    dashboard_tables(populated, Filters(host_country="TR"))
    stored = " ".join(snapshot.counts + snapshot.key for snapshot in populated.exec(select(StatisticsSnapshot)))
    assert "TR" in stored
    for value in PLANTED.values():
        assert value not in stored


def test_cli_refresh_recounts_the_unfiltered_dashboard(runner, populated):
    dashboard_tables(populated, NO_FILTERS)
    margins = stored(populated)
    more_stories(populated, 4)
    result = runner.invoke(args=["analytics", "refresh"])
    assert result.exit_code == 0, result.output
    assert "trend by month" in result.output
    assert dashboard_tables(populated, NO_FILTERS).trend.total == 16
    assert stored(populated) == margins + 1  # and the month trend (months with their years)


def test_cli_refresh_recounts_a_filtered_dashboard(runner, populated):
    turkey = Filters(host_country="TR")
    assert dashboard_tables(populated, turkey).trend.total == 8
    more_stories(populated, 4)
    result = runner.invoke(args=["analytics", "refresh", "--host-country", "TR"])
    assert result.exit_code == 0, result.output
    assert dashboard_tables(populated, turkey).trend.total == 12
    assert dashboard_tables(populated, NO_FILTERS).trend.total == 16  # the same margins serve every filter


def test_the_dashboard_says_when_it_was_counted(analyst_client, populated):
    assert "Counted at " in analyst_client.get("/analytics/").get_data(as_text=True)


def test_counts_are_shown_even_when_they_cannot_be_stored(populated, monkeypatch):
    def busy():
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(populated, "commit", busy)
    assert dashboard_tables(populated, NO_FILTERS).trend.total == 12
