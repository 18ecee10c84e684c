"""The dashboard's tables: which ones it shows, counted (or read from snapshots) and released."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from ..models import utcnow
from .disclosure import ReleasedTable, release
from .snapshots import stored_counts
from .statistics import Filters, incident_counts, relative_counts

# The breakdowns of people targeted, in the order they are shown.
INCIDENT_BREAKDOWNS = ("tactic_category", "tactic", "physical", "origin_country", "host_country", "community",
                       "channel", "perpetrator_type", "demand", "verification")
TREND_PERIODS = ("year", "month")


@dataclass(frozen=True)
class DashboardTables:
    """Every table of one dashboard view, released, and when its oldest counts were taken."""

    trend: ReleasedTable
    breakdowns: dict[str, ReleasedTable]
    relatives: ReleasedTable
    detained: ReleasedTable
    retaliation: ReleasedTable
    counted_at: datetime


class _Counter:
    """Counts tables through the snapshots and remembers the oldest counting time."""

    def __init__(self, session: Session, filters: Filters, recount: bool):
        self.session, self.filters, self.recount = session, filters, recount
        self.oldest = utcnow()

    def _released(self, definition: dict, names: list[str], count) -> ReleasedTable:
        """Stored or fresh counts of one table, through disclosure control."""
        counts, counted_at = stored_counts(self.session, definition, count, self.recount)
        self.oldest = min(self.oldest, counted_at)
        return release(names, counts.cells, counts.total)

    def incidents(self, name: str) -> ReleasedTable:
        """People targeted, by one incident dimension."""
        definition = {"of": "incidents", "by": [name], "filters": self.filters.as_dict()}
        return self._released(definition, [name], lambda: incident_counts(self.session, [name], self.filters))

    def relatives(self, group: str | None = None, retaliation: bool = False) -> ReleasedTable:
        """Relatives by status, optionally of one status group or in retaliation only."""
        definition = {"of": "relatives", "by": ["status"], "group": group, "retaliation": retaliation,
                      "filters": self.filters.as_dict()}
        return self._released(definition, ["status"], lambda: relative_counts(
            self.session, ["status"], self.filters, group=group, retaliation_only=retaliation))


def dashboard_tables(session: Session, filters: Filters, period: str = "year",
                     recount: bool = False) -> DashboardTables:
    """All tables of the dashboard for these filters; ``recount`` ignores stored counts."""
    counter = _Counter(session, filters, recount)
    trend = counter.incidents(period)
    breakdowns = {name: counter.incidents(name) for name in INCIDENT_BREAKDOWNS}
    relatives, detained = counter.relatives(), counter.relatives("detention")
    retaliation = counter.relatives("detention", retaliation=True)
    return DashboardTables(trend, breakdowns, relatives, detained, retaliation, counter.oldest)
