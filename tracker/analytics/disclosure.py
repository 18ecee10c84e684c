"""Disclosure control: the one place where counts become numbers that may leave the server.

Every analyst page, export and API response is built from a ``ReleasedTable`` made here
(DESIGN §2: "exports cannot identify anyone"). The rules:

- A cell counts distinct people (each person at most once per cell), not rows.
- Primary suppression: a cell below the threshold (``SUPPRESSION_THRESHOLD``, default 10)
  is withheld.
- Complementary suppression: along every line of the table (all cells that share every
  dimension but one), and against the table's total, the withheld cells must be at least two
  and together hold at least the threshold, so no withheld cell can be recovered by
  subtracting the published cells from a total.
- A table whose total is below the threshold is withheld whole.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..config import ConfigurationError

DEFAULT_THRESHOLD = 10
# A count of 1 is a person: no threshold below 2 protects anyone.
MINIMUM_THRESHOLD = 2

Key = tuple[str, ...]


@dataclass(frozen=True)
class Cell:
    """One published cell: its dimension values and its count, None when withheld."""

    key: Key
    count: int | None

    @property
    def suppressed(self) -> bool:
        """Whether the count is withheld."""
        return self.count is None


@dataclass(frozen=True)
class ReleasedTable:
    """A table that passed disclosure control, and the only thing views may show or export."""

    dimensions: tuple[str, ...]
    cells: tuple[Cell, ...]
    total: int | None
    threshold: int

    @property
    def suppressed_cells(self) -> int:
        """How many cells are withheld (shown to analysts, so they know the table is partial)."""
        return sum(1 for cell in self.cells if cell.suppressed)


def check_threshold(config: Mapping[str, Any]) -> None:
    """Refuse to start with a suppression threshold that is not a whole number of at least 2.

    It used to be raised to 2 silently (issue 16): an operator who wrote 1 believed every count
    would be published and was not told otherwise, or believed 1 protected someone.
    """
    value = config.get("SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD)
    if isinstance(value, bool) or not isinstance(value, int) or value < MINIMUM_THRESHOLD:
        raise ConfigurationError(
            f"SUPPRESSION_THRESHOLD must be a whole number of at least {MINIMUM_THRESHOLD} (it is {value!r}): "
            "a published count of 1 is one identifiable person. Set it to 10 (the default) or more in "
            "instance/config.py or TRACKER_SUPPRESSION_THRESHOLD.")


def threshold() -> int:
    """The configured smallest publishable count (checked at start-up to be at least 2)."""
    return int(current_app.config.get("SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def release(dimensions: Iterable[str], counts: Mapping[Key, int], total: int,
            minimum: int | None = None) -> ReleasedTable:
    """Apply primary and complementary suppression to distinct-person counts per cell."""
    k = threshold() if minimum is None else minimum
    dims = tuple(dimensions)
    live = {key: count for key, count in counts.items() if count > 0}
    if total < k:
        withheld = tuple(Cell(key, None) for key in sorted(live))
        return ReleasedTable(dims, withheld, None, k)
    hidden = {key for key, count in live.items() if count < k}
    _protect_lines(live, hidden, len(dims), k)
    cells = tuple(Cell(key, None if key in hidden else live[key]) for key in sorted(set(live) | hidden))
    return ReleasedTable(dims, cells, total, k)


def _rest(key: Key, axis: int) -> Key:
    """The key without one dimension: which line along ``axis`` the cell lies on."""
    return key[:axis] + key[axis + 1:]


def _protect_lines(counts: Mapping[Key, int], hidden: set[Key], width: int, k: int) -> None:
    """Withhold more cells until every line's withheld cells cannot be told apart (in place)."""
    values = [sorted({key[axis] for key in counts}) for axis in range(width)]
    smallest_first: list[dict[Key, list[Key]]] = [defaultdict(list) for _ in range(width)]
    for key in sorted(counts, key=lambda key: (counts[key], key)):
        for axis in range(width):
            smallest_first[axis][_rest(key, axis)].append(key)
    # A work list of lines to check (a cell withheld in one line may unsettle its other lines),
    # taken in sorted order: the same table must always get the same pattern, or two exports
    # with different complements could be compared to recover a withheld cell.
    pending = sorted({(axis, _rest(key, axis)) for key in hidden for axis in range(width)})
    queued = set(pending)
    heapq.heapify(pending)
    while pending:
        axis, rest = heapq.heappop(pending)
        queued.discard((axis, rest))
        line = [rest[:axis] + (value,) + rest[axis:] for value in values[axis]]
        for key in _protect_line(line, smallest_first[axis][rest], counts, hidden, k):
            for other in range(width):
                if other != axis and (other, _rest(key, other)) not in queued:
                    queued.add((other, _rest(key, other)))
                    heapq.heappush(pending, (other, _rest(key, other)))


def _protect_line(line: list[Key], smallest_first: list[Key], counts: Mapping[Key, int], hidden: set[Key],
                  k: int) -> list[Key]:
    """In one line, withhold the smallest published cells until the withheld mass is safe.

    When no published count is left, an empty cell is withheld instead: a reader who cannot
    tell it is empty cannot subtract with it either. Returns the cells it withheld.
    """
    withheld = [key for key in line if key in hidden]
    if not withheld:
        return []
    mass = sum(counts.get(key, 0) for key in withheld)
    published = (key for key in smallest_first if key not in hidden)
    added: list[Key] = []
    while len(withheld) < 2 or mass < k:
        key = next(published, None)
        if key is None and len(withheld) < 2:
            key = next((key for key in line if key not in hidden), None)  # an empty cell
        if key is None:
            break
        hidden.add(key)
        withheld.append(key)
        added.append(key)
        mass += counts.get(key, 0)
    return added
