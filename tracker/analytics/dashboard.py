"""The dashboard's tables: which ones it shows, counted (or read from stored margins) and released."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from ..models import utcnow
from .disclosure import ReleasedTable
from .statistics import Filters
from .tables import Releaser, TableRequest, count_cubes

# The breakdowns of people targeted, in the order they are shown.
INCIDENT_BREAKDOWNS = ("tactic_category", "tactic", "physical", "origin_country", "host_country", "community",
                       "target_type", "channel", "perpetrator_type", "demand", "verification")
TREND_PERIODS = ("year", "month")
# Filters are dimensions of every table's cube (tracker.analytics.tables): two of them plus the
# widest breakdown (status, its group and "in retaliation") reach the cube's limit of five.
MAX_FILTERS = 2


@dataclass(frozen=True)
class DashboardTables:
    """Every table of one dashboard view, released, and when it was read (counts are kept current)."""

    trend: ReleasedTable
    breakdowns: dict[str, ReleasedTable]
    relatives: ReleasedTable
    detained: ReleasedTable
    retaliation: ReleasedTable
    counted_at: datetime


def dashboard_tables(session: Session, filters: Filters, period: str = "year",
                     recount: bool = False) -> DashboardTables:
    """All tables of the dashboard for these filters; ``recount`` counts afresh instead of reading kept counts.

    One releaser serves the whole page, so each cube is read and decided once.
    """
    releaser = Releaser(session, count_cubes) if recount else Releaser(session)

    def incidents(name: str) -> ReleasedTable:
        return releaser.release(TableRequest("incidents", (name,), filters))

    def relatives(group: str | None = None, retaliation: bool = False) -> ReleasedTable:
        return releaser.release(TableRequest("relatives", ("status",), filters, group, retaliation))

    trend = incidents(period)
    breakdowns = {name: incidents(name) for name in INCIDENT_BREAKDOWNS}
    detained_in_retaliation = relatives("detention", retaliation=True)
    return DashboardTables(trend, breakdowns, relatives(), relatives("detention"), detained_in_retaliation, utcnow())
