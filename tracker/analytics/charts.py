"""Chart models for server-rendered SVG: bars and a time series, computed from released tables.

The templates draw them as inline SVG with the table beside each chart, so a chart needs no
script, no library and no third-party service, and a screen reader reads the table.
"""
from __future__ import annotations

from dataclasses import dataclass

from .disclosure import ReleasedTable
from .exports import cell_labels

BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 230
PLOT_WIDTH = 320
COLUMN_WIDTH = 560
COLUMN_HEIGHT = 160


@dataclass(frozen=True)
class Bar:
    """One bar: where it is drawn and what it says; ``count`` None when withheld."""

    label: str
    count: int | None
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    """A drawable chart and its frame size."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    horizontal: bool


def _rows(table: ReleasedTable, limit: int | None) -> list[tuple[str, int | None]]:
    """(label, count) per cell, largest first for breakdowns; withheld cells last."""
    rows = [(" · ".join(cell_labels(table, cell.key)), cell.count) for cell in table.cells]
    rows.sort(key=lambda row: (row[1] is None, -(row[1] or 0), row[0]))
    return rows[:limit] if limit else rows


def bar_chart(table: ReleasedTable, limit: int | None = 15) -> Chart:
    """Horizontal bars, largest first, scaled to the largest published count."""
    rows = _rows(table, limit)
    peak = max((count for _, count in rows if count), default=1)
    bars = tuple(
        Bar(label, count, LABEL_WIDTH, index * (BAR_HEIGHT + BAR_GAP),
            (count or 0) / peak * PLOT_WIDTH, BAR_HEIGHT)
        for index, (label, count) in enumerate(rows)
    )
    height = max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)
    return Chart(bars, LABEL_WIDTH + PLOT_WIDTH + 60, height, horizontal=True)


def time_chart(table: ReleasedTable) -> Chart:
    """Vertical columns in time order (the period's sort order), for trends."""
    cells = sorted((cell for cell in table.cells if cell.key[0] != "unknown"), key=lambda cell: cell.key)
    peak = max((cell.count for cell in cells if cell.count), default=1)
    step = COLUMN_WIDTH / max(len(cells), 1)
    bars = tuple(
        Bar(cell.key[0], cell.count, index * step, COLUMN_HEIGHT - (cell.count or 0) / peak * COLUMN_HEIGHT,
            max(step - 2, 1), (cell.count or 0) / peak * COLUMN_HEIGHT)
        for index, cell in enumerate(cells)
    )
    return Chart(bars, COLUMN_WIDTH, COLUMN_HEIGHT + 20, horizontal=False)
