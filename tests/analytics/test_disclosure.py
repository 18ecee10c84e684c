"""Disclosure control: small cells never appear, directly or by subtraction from a total."""
from __future__ import annotations

import itertools
import random

import pytest

from tests.conftest import make_test_app
from tracker.analytics.disclosure import release
from tracker.config import ConfigurationError

K = 10


def recoverable(table, counts: dict) -> list[tuple]:
    """Withheld cells that a line's total (when publishable) minus its published cells reveals.

    A line is every cell sharing all dimensions but one; an unlisted cell is known to be 0.
    """
    found = []
    published = {cell.key: cell.count for cell in table.cells}
    for axis in range(len(table.dimensions)):
        lines: dict[tuple, list] = {}
        for key in counts:
            lines.setdefault(key[:axis] + key[axis + 1:], []).append(key)
        for line in lines.values():
            if sum(counts[key] for key in line) < K:
                continue  # that line's total is itself too small to be published anywhere
            hidden = [key for key in line if key in published and published[key] is None]
            if len(hidden) == 1 or (hidden and sum(counts[key] for key in hidden) < K):
                found.extend(hidden)
    return found


def test_cells_below_threshold_are_withheld_and_the_rest_published():
    counts = {("a",): 50, ("b",): 30, ("c",): 3, ("d",): 12}
    table = release(["x"], counts, 95, minimum=K)
    shown = {cell.key: cell.count for cell in table.cells}
    assert shown[("c",)] is None
    assert shown[("a",)] == 50 and table.total == 95


def test_one_small_cell_takes_a_complement_so_the_total_cannot_reveal_it():
    counts = {("a",): 50, ("b",): 30, ("c",): 3, ("d",): 12}
    table = release(["x"], counts, 95, minimum=K)
    shown = {cell.key: cell.count for cell in table.cells}
    # Without a complement, 95 - 50 - 30 - 12 = 3 would give the withheld cell away.
    assert shown[("d",)] is None
    assert table.suppressed_cells == 2


def test_withheld_mass_reaches_the_threshold():
    counts = {("a",): 40, ("b",): 2, ("c",): 1, ("d",): 20, ("e",): 25}
    table = release(["x"], counts, 88, minimum=K)
    hidden = [cell.key for cell in table.cells if cell.suppressed]
    assert sum(counts[key] for key in hidden) >= K


def test_a_table_whose_total_is_small_is_withheld_whole():
    table = release(["x"], {("a",): 6, ("b",): 3}, 9, minimum=K)
    assert table.total is None
    assert all(cell.suppressed for cell in table.cells)


def test_zero_cells_are_not_listed():
    table = release(["x"], {("a",): 40, ("b",): 0}, 40, minimum=K)
    assert [cell.key for cell in table.cells] == [("a",)]


def test_threshold_comes_from_the_configuration(app):
    app.config["SUPPRESSION_THRESHOLD"] = 5
    with app.app_context():
        table = release(["x"], {("a",): 6, ("b",): 30, ("c",): 40}, 76)
    assert table.threshold == 5
    assert {cell.key: cell.count for cell in table.cells}[("a",)] == 6


@pytest.mark.parametrize("seed", range(25))
def test_no_withheld_cell_is_recoverable_in_random_three_way_tables(seed):
    rng = random.Random(seed)
    keys = itertools.product("abcd", "xyz", "pq")
    counts = {key: rng.choice((0, 1, 2, 5, 9, 11, 15, 40)) for key in keys}
    total = sum(counts.values())
    table = release(["m", "t", "h"], counts, total, minimum=K)
    for cell in table.cells:
        if counts[cell.key] < K:
            assert cell.suppressed, cell
    assert recoverable(table, counts) == []


def test_the_same_counts_always_get_the_same_pattern():
    """Two exports with different complements could be compared to recover a withheld cell."""
    rng = random.Random(3)
    keys = list(itertools.product("abcdef", "xyzw", "pq"))
    counts = {key: rng.choice((0, 1, 4, 9, 12, 30)) for key in keys}
    first = release(["m", "t", "h"], counts, sum(counts.values()), minimum=K)
    shuffled = dict(rng.sample(sorted(counts.items()), len(counts)))
    assert release(["m", "t", "h"], shuffled, sum(counts.values()), minimum=K) == first


@pytest.mark.parametrize("setting", [1, 0, -5, "1", 2.5, True])
def test_a_threshold_below_two_or_not_a_whole_number_stops_the_app_at_start_up(tmp_path, setting):
    """It used to be raised to 2 silently (issue 16 item 6); now the operator is told."""
    with pytest.raises(ConfigurationError, match="SUPPRESSION_THRESHOLD must be a whole number of at least 2"):
        make_test_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", SUPPRESSION_THRESHOLD=setting)


def test_a_threshold_of_two_starts(tmp_path):
    app = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", SUPPRESSION_THRESHOLD=2)
    assert app.config["SUPPRESSION_THRESHOLD"] == 2


def _lattice(rows: list[tuple[str, str, str]]) -> dict:
    """Counts of every margin of the cube (month, year, host), one person per row."""
    from collections import Counter

    from tracker.analytics.lattice import closed_subcubes

    cube = ("month", "year", "host")
    margins = {}
    for margin in closed_subcubes(cube, {"month": "year"}):
        positions = [cube.index(name) for name in margin]
        margins[margin] = dict(Counter(tuple(row[index] for index in positions) for row in rows))
    return margins


@pytest.mark.parametrize("seed", range(10))
def test_a_margin_gets_the_same_pattern_whichever_cube_asks_and_every_line_is_safe(seed):
    """Issue 16: "by host" alone and as the margin of "month by host" must withhold the same cells."""
    from tracker.analytics.lattice import protect

    rng = random.Random(seed)
    rows = [(f"202{year}-0{month}", f"202{year}", rng.choice("ABCDE"))
            for year, month in ((rng.randint(0, 2), rng.randint(1, 4)) for _ in range(120))]
    everything = _lattice(rows)
    whole = protect(everything, {"month": "year"}, K)
    alone = protect({margin: everything[margin] for margin in (("host",), ())}, {"month": "year"}, K)
    assert alone[("host",)] == whole[("host",)]
    cube, hidden = ("month", "year", "host"), whole[("month", "year", "host")]
    for axis, margin in ((0, ("year", "host")), (2, ("month", "year"))):
        lines: dict[tuple, list] = {}
        for key in everything[cube]:
            lines.setdefault(key[:axis] + key[axis + 1:], []).append(key)
        for rest, line in lines.items():
            withheld = [key for key in line if key in hidden]
            assert all(key in hidden for key in line if everything[cube][key] < K)
            if rest in whole[margin]:
                assert len(withheld) != 1 or len(line) == 1
            elif withheld:
                assert len([key for key in hidden if key[:axis] + key[axis + 1:] == rest]) >= 2
                assert sum(everything[cube].get(key, 0) for key in withheld) >= K
