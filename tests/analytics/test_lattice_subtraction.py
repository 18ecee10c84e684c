"""No count below k follows by subtraction from a cube and its margins (lattice.protect).

A withheld empty cell used to be left the only withheld cell on another of its lines: with that
line's total published, a reader worked out it was 0, and went on subtracting from there until a
count below k came out (about one output in thirty of the random cubes below). The solver here is
the attacker of test_differencing on one cube: every line's total is the sum of its cells, a cell
neither listed nor withheld is 0, and any equation with one unknown is solved, until nothing
follows. These tests need no database.
"""
from __future__ import annotations

import pytest

from tests.analytics.test_lattice_termination import _margins, _random_case, _unsafe
from tracker.analytics.lattice import protect, removable_axes


def _recovered(case: dict, hidden: dict) -> list[tuple]:
    """Withheld cells holding 1 to k - 1 people (or few beside a group) that subtraction recovers."""
    cubes, parents, k = case["cubes"], case["parents"], case["k"]
    known = {(cube, key): count for cube, counts in cubes.items() for key, count in counts.items()
             if key not in hidden[cube]}
    equations = []
    for cube, counts in cubes.items():
        values = [sorted({key[axis] for key in counts}) for axis in range(len(cube))]
        for axis in removable_axes(cube, parents) if cube else ():
            margin = cube[:axis] + cube[axis + 1:]
            others = [other for other in range(len(cube)) if other != axis]
            rests = {key[:axis] + key[axis + 1:] for key in set(counts) | hidden[cube]}
            rests |= {rest for rest in set(cubes[margin]) | hidden[margin]
                      if all(value in values[other] for other, value in zip(others, rest, strict=True))}
            for rest in rests:
                cells = [(cube, rest[:axis] + (value,) + rest[axis:]) for value in values[axis]]
                equations.append(((margin, rest), cells))
    for total, cells in equations:
        for cube, key in (total, *cells):
            if key not in cubes[cube] and key not in hidden[cube]:
                known[(cube, key)] = 0
    changed = True
    while changed:
        changed = False
        for total, cells in equations:
            unknown = [cell for cell in (total, *cells) if cell not in known]
            if len(unknown) == 1:
                rest = sum(known.get(cell, 0) for cell in cells)
                known[unknown[0]] = rest if unknown[0] == total else known[total] - rest
                changed = True
    sensitive = case.get("sensitive") or {}
    found = []
    for cube, counts in cubes.items():
        for key in hidden[cube]:
            count = counts.get(key, 0)
            if (cube, key) in known:
                assert known[(cube, key)] == count, "the solver's algebra is wrong"
                if 0 < count and (count < k or key in sensitive.get(cube, ())):
                    found.append((cube, key, count))
    return found


def test_a_withheld_empty_cell_is_no_way_in():
    """k = 2: the empty (v2, v0) was the only withheld cell of column v0 (total 3, published), so
    it was 0; then (v2, v2) = 2 from its row, (v1, v2) = 3 from its column, (v1, v3) = 1 from its row."""
    cells = {("v0", "v0"): 3, ("v0", "v1"): 1, ("v0", "v3"): 1, ("v1", "v2"): 3, ("v1", "v3"): 1, ("v2", "v2"): 2}
    case = _margins(("host", "tactic"), {}, 2, cells)
    hidden = protect(case["cubes"], {}, 2)
    assert ("v2", "v0") in hidden[("host", "tactic")]
    assert ("v0", "v0") in hidden[("host", "tactic")]  # the empty cell's partner on column v0
    assert _recovered(case, hidden) == []
    assert _unsafe(case, hidden) == []


def test_the_solver_finds_a_cell_left_alone_on_a_line():
    """The solver is not blind: a pattern with the 1 withheld alone on its row gives the 1 back."""
    case = _margins(("host", "tactic"), {}, 2, {("A", "x"): 1, ("A", "y"): 5, ("B", "x"): 5, ("B", "y"): 5})
    hidden = {cube: set() for cube in case["cubes"]}
    hidden[("host", "tactic")] = {("A", "x")}
    assert _recovered(case, hidden) == [(("host", "tactic"), ("A", "x"), 1)]


@pytest.mark.parametrize("block", range(4))
def test_no_count_below_k_follows_by_subtraction_from_random_cubes(block):
    """300 seeded cubes of 2 to 5 dimensions, with and without groups and parents, k from 2 to 10."""
    for seed in range(block * 75, block * 75 + 75):
        case = _random_case(seed)
        hidden = protect(case["cubes"], case["parents"], case["k"], None, case.get("sensitive"), case.get("outside"))
        assert _recovered(case, hidden) == [], seed
