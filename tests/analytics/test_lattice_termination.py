"""Cube protection always finishes, and every line it leaves is safe (lattice.protect).

An empty cell already withheld used to be withheld again by a line that reached it as a
complement, which queued the lines through it, which withheld it again, for ever: about one cube
in twenty of the random ones below never finished (a dashboard, API answer or export stats would
have hung until the worker was killed). These tests need no database.
"""
from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import Counter
from types import SimpleNamespace

import pytest

from tracker.analytics import lattice
from tracker.analytics.lattice import closed_subcubes, protect, removable_axes


def _margins(names: tuple[str, ...], parents: dict[str, str], k: int, cells: dict[tuple, int],
             inside: dict[tuple, int] | None = None) -> dict:
    """Counts of every closed margin of the cube (``counts``), and ``sensitive``/``outside`` with groups."""
    counts, outside = {}, {}
    for margin in closed_subcubes(names, parents):
        places = [names.index(name) for name in margin]
        total, beside = Counter(), Counter()
        for key, count in cells.items():
            total[tuple(key[place] for place in places)] += count
            beside[tuple(key[place] for place in places)] += count - (inside or {}).get(key, 0)
        counts[margin], outside[margin] = dict(total), dict(beside)
    case = {"cubes": counts, "parents": parents, "k": k}
    if inside is not None:
        case["outside"] = outside
        case["sensitive"] = {margin: {key for key, n in beside.items() if 0 < n < k}
                             for margin, beside in outside.items()}
    return case


def _random_case(seed: int) -> dict:
    """2 to 5 dimensions of 1 to 4 values (sometimes a child within its parent, like a month
    within its year), many empty cells, counts from 1 to a few k, k from 2 to 10, a third with groups."""
    rng = random.Random(seed)
    names = tuple(f"d{axis}" for axis in range(rng.randint(2, 5)))
    parents = dict([rng.sample(names, 2)]) if rng.random() < 0.35 else {}
    k = rng.randint(2, 10) if rng.random() < 0.6 else 2
    domains = {name: [f"v{value}" for value in range(rng.randint(1, 4))] for name in names if name not in parents}
    children = {child: {value: [f"{value}.{sub}" for sub in range(rng.randint(1, 3))] for value in domains[parent]}
                for child, parent in parents.items()}
    empty, top, groups = rng.choice((0.1, 0.3, 0.5, 0.7)), rng.choice((k, 2 * k, 4 * k)), rng.random() < 0.35
    free = [name for name in names if name not in parents]
    cells, inside = {}, {}
    for combination in itertools.product(*(domains[name] for name in free)):
        chosen = dict(zip(free, combination, strict=True))
        for below in itertools.product(*(children[child][chosen[parent]] for child, parent in parents.items())):
            key = tuple({**chosen, **dict(zip(parents, below, strict=True))}[name] for name in names)
            if rng.random() >= empty:
                cells[key] = rng.choice((1, 1, 2, 3, rng.randint(1, top), rng.randint(1, top)))
                if groups and rng.random() < 0.3:
                    inside[key] = rng.randint(0, cells[key])
    return _margins(names, parents, k, cells, inside if groups else None)


def _possible(cube: tuple, counts: dict, parents: dict):
    """Whether an empty cell is one a reader cannot tell is empty (not a month outside its own year)."""
    pairs = [(axis, cube.index(parents[name])) for axis, name in enumerate(cube) if name in parents]
    seen = {(axis, key[axis], key[parent]) for key in counts for axis, parent in pairs}
    return lambda key: all((axis, key[axis], key[parent]) in seen for axis, parent in pairs)


def _unsafe(case: dict, hidden: dict) -> list[tuple]:
    """Where the pattern breaks the module's rule.

    A cell with people below k (or few beside a group) is withheld. Along a line whose margin is
    published, the withheld cells with people are none, or at least two holding at least k
    (outside groups) together, or every cell with people of the line when nothing else is left
    (then with an empty cell withheld beside them, unless none could hold anyone). Along a line
    whose margin is withheld, at least two of its cells with people are withheld, or all.
    """
    k, parents = case["k"], case["parents"]
    mass = case.get("outside") or case["cubes"]
    sensitive = case.get("sensitive") or {}
    found = []
    for cube, counts in case["cubes"].items():
        withheld = hidden[cube]
        found += [("released", cube, key) for key, count in counts.items()
                  if (count < k or key in sensitive.get(cube, ())) and key not in withheld]
        values = [sorted({key[axis] for key in counts}) for axis in range(len(cube))]
        possible = _possible(cube, counts, parents)
        for axis in removable_axes(cube, parents) if cube else ():
            margin = cube[:axis] + cube[axis + 1:]
            lines: dict[tuple, set] = {}
            for key in set(counts) | withheld:
                lines.setdefault(key[:axis] + key[axis + 1:], set()).add(key)
            for rest, line in lines.items():
                with_people = {key for key in line if key in counts}
                hidden_here = with_people & withheld
                if rest in hidden[margin]:
                    if len(hidden_here) < 2 and hidden_here != with_people:
                        found.append(("margin withheld", cube, rest))
                    continue
                if not hidden_here or (len(hidden_here) >= 2 and sum(mass[cube][key] for key in hidden_here) >= k):
                    continue
                everything = [rest[:axis] + (value,) + rest[axis:] for value in values[axis]]
                left = [key for key in everything if key not in counts and key not in withheld and possible(key)]
                if hidden_here == with_people and (len(line & withheld) >= 2 or not left):
                    continue
                found.append(("margin published", cube, rest, sorted(line & withheld)))
    return found


def _bounded(monkeypatch: pytest.MonkeyPatch, case: dict) -> list[int]:
    """Make protect fail, not hang, past the loop's proven bound; returns the turns counted.

    Each cube queues at most its lines at the start plus (dimensions - 1) per newly withheld
    cell: 2 × dimensions × cells of its full grid is above both.
    """
    bound = sum(2 * len(cube) * math.prod(len({key[axis] for key in counts}) for axis in range(len(cube)))
                for cube, counts in case["cubes"].items())
    turns = [0]

    def heappop(heap: list):
        turns[0] += 1
        assert turns[0] <= bound, "the suppression loop went past its bound"
        return heapq.heappop(heap)

    monkeypatch.setattr(lattice, "heapq", SimpleNamespace(heapify=heapq.heapify, heappush=heapq.heappush,
                                                          heappop=heappop))
    return turns


def test_the_smallest_cube_that_never_finished_finishes_and_is_safe(monkeypatch):
    """Three cells in an L at k = 2: the 1 takes the two 2s as complements, each of them then
    alone on its other line takes the one empty corner, which each line took again for ever."""
    case = _margins(("host", "tactic"), {}, 2, {("A", "x"): 1, ("A", "y"): 2, ("B", "x"): 2})
    turns = _bounded(monkeypatch, case)
    hidden = protect(case["cubes"], {}, 2)
    assert turns[0] > 0
    assert hidden[("host", "tactic")] == {("A", "x"), ("A", "y"), ("B", "x"), ("B", "y")}
    assert hidden[("host",)] == hidden[("tactic",)] == hidden[()] == set()
    assert _unsafe(case, hidden) == []


def test_the_same_cube_with_a_group_finishes_and_is_safe(monkeypatch):
    """The same L with a group of 4 in the 5: the 1 beside the group is withheld like the 1 above."""
    cells = {("A", "x"): 5, ("A", "y"): 2, ("B", "x"): 2}
    case = _margins(("host", "tactic"), {}, 2, cells, {("A", "x"): 4})
    _bounded(monkeypatch, case)
    hidden = protect(case["cubes"], {}, 2, None, case["sensitive"], case["outside"])
    assert ("B", "y") in hidden[("host", "tactic")]
    assert _unsafe(case, hidden) == []


@pytest.mark.parametrize("block", range(4))
def test_random_cubes_finish_within_the_bound_and_every_line_is_safe(monkeypatch, block):
    """300 seeded cubes of 2 to 5 dimensions, with and without groups and parents, k from 2 to 10."""
    for seed in range(block * 75, block * 75 + 75):
        case = _random_case(seed)
        _bounded(monkeypatch, case)
        hidden = protect(case["cubes"], case["parents"], case["k"], None, case.get("sensitive"), case.get("outside"))
        assert set(hidden) == set(case["cubes"])
        assert _unsafe(case, hidden) == [], seed
        _bounded(monkeypatch, case)
        again = protect(case["cubes"], case["parents"], case["k"], None, case.get("sensitive"), case.get("outside"))
        assert again == hidden, seed  # the same counts always give the same pattern


@pytest.mark.parametrize("block", range(2))
def test_the_largest_cubes_cells_come_in_key_order(block):
    """``in_order`` lists the largest cube's cells with people or withheld, sorted as keys are
    (a release slices them as given), and does not change any pattern."""
    for seed in range(block * 100, block * 100 + 100):
        case = _random_case(seed)
        in_order: dict = {}
        hidden = protect(case["cubes"], case["parents"], case["k"], None, case.get("sensitive"), case.get("outside"),
                         in_order)
        largest = max(case["cubes"], key=len)
        assert in_order[largest] == sorted(set(case["cubes"][largest]) | hidden[largest]), seed
        assert hidden == protect(case["cubes"], case["parents"], case["k"], None, case.get("sensitive"),
                                 case.get("outside")), seed
