"""Consistent suppression across every table an analyst can request (issue 16: differencing).

Suppressing each released table on its own let an analyst subtract one release from another:
two periods that differ by one month, a one-way table from the rows of a two-way one, a filtered
table from the unfiltered one. Here every release is a *slice* of one cube, and every cube is
suppressed together with all its margins, bottom up:

- A request (breakdown dimensions, fixed filters) is answered from the cube over the breakdown
  and filter dimensions together, closed under ``PARENTS`` (a month brings its year, a tactic its
  Freedom House category), so a filtered table is a slice and a coarser table a margin.
- Cubes are decided from the smallest up (the grand total first), and a cube's pattern depends
  only on its own counts and its margins' patterns, never on which larger cube asked for it:
  the "by tactic" table withholds the same cells whether it is shown alone or as the margin of
  "tactic by host country", so no two releases disagree about a cell.
- Along every line of a cube (the cells that share all dimensions but one, a child's siblings
  within its parent for a month or a tactic), with the line's margin from the smaller cube:
  when the margin is published, the withheld cells are none, or at least two holding at least
  the threshold together; when the margin is withheld, the line withholds all its cells or at
  least two, so neither the margin nor a cell follows by subtraction. A withheld empty cell
  (a complement where no count was left) counts as withheld on each of its lines and is never
  the only withheld cell of one: a reader would have its 0 and subtract on from there.

Cells are keyed by the cube's dimensions in the cube's order; dimensions are plain names.
"""
from __future__ import annotations

import heapq
from collections.abc import Container, Iterator, Mapping, Sequence
from itertools import chain, combinations, compress, count, repeat
from operator import add, floordiv, itemgetter, mod, mul, or_, sub

Key = tuple[str, ...]
Cube = tuple[str, ...]


def closure(names: Sequence[str], parents: Mapping[str, str], order: Sequence[str]) -> Cube:
    """The dimensions with their parents added, in the catalogue's order (a cube's identity)."""
    wanted = set(names)
    for name in list(wanted):
        while name in parents:
            name = parents[name]
            wanted.add(name)
    return tuple(name for name in order if name in wanted)


def closed_subcubes(cube: Cube, parents: Mapping[str, str]) -> list[Cube]:
    """Every margin of the cube that keeps each child with its parent, smallest first."""
    found = []
    for size in range(len(cube) + 1):
        for subset in combinations(cube, size):
            if all(parents[name] in subset for name in subset if name in parents):
                found.append(subset)
    return found


def removable_axes(cube: Cube, parents: Mapping[str, str]) -> list[int]:
    """Axes whose removal leaves a closed cube: a parent stays while its child is there."""
    kept_parents = {parents[name] for name in cube if name in parents}
    return [axis for axis, name in enumerate(cube) if name not in kept_parents]


def protect(cubes: Mapping[Cube, Mapping[Key, int]], parents: Mapping[str, str], k: int,
            decided: Mapping[Cube, set[Key]] | None = None,
            sensitive: Mapping[Cube, set[Key]] | None = None,
            outside: Mapping[Cube, Mapping[Key, int]] | None = None,
            in_order: dict[Cube, list[Key]] | None = None) -> dict[Cube, set[Key]]:
    """The withheld cells of every cube, decided smallest cube first (see the module docstring).

    ``cubes`` holds distinct-person counts per cell for every closed margin of the largest cube;
    the grand total is the cube ``()`` with the one key ``()``. Withheld empty cells (complements
    where nothing else was left) are part of the result. ``decided`` holds patterns already
    worked out for some of the cubes (a page releasing many tables decides each cube once).
    ``sensitive`` holds cells withheld whatever their count (few people beside a group of known size);
    ``outside`` the people of each cell outside its groups, which is what withheld cells must hold
    at least k of together (a reader who knows the groups' sizes subtracts them from any sum).
    ``in_order``, when given, receives the largest cube's cells (with people or withheld) in key
    order, if that cube is decided here: its cells are numbered in key order already, and a
    release slices them without sorting tens of thousands of tuples of text again.
    """
    hidden: dict[Cube, set[Key]] = dict(decided or {})
    largest = max(cubes, key=len, default=None)
    for cube in sorted(cubes, key=lambda c: (len(c), c)):
        if cube in hidden:
            continue
        counts = cubes[cube]
        if counts and min(counts.values()) <= 0:  # (kept and counted cells hold people; a copy only if not)
            counts = {key: count for key, count in counts.items() if count > 0}
        marked = (sensitive or {}).get(cube, frozenset())
        if not cube:
            hidden[cube] = {key for key, count in counts.items() if count < k or key in marked}
            continue
        mass = counts if outside is None or cube not in outside else outside[cube]
        order = None
        if in_order is not None and cube == largest and counts is cubes[cube]:
            order = in_order[cube] = []
        hidden[cube] = _protect_cube(cube, counts, marked, hidden, parents, k, mass, order)
    return hidden


def _protect_cube(cube: Cube, counts: Mapping[Key, int], marked: Container[Key], hidden: Mapping[Cube, set[Key]],
                  parents: Mapping[str, str], k: int, mass: Mapping[Key, int],
                  order: list[Key] | None = None) -> set[Key]:
    """The withheld cells of one cube: those below k or marked, and more until each of its lines is
    safe against its margin (whose pattern ``hidden`` holds).

    Cells are numbered for the work: a cell's number is its values' positions in each axis's
    sorted values, written in mixed radix with the first axis most significant, so numbers sort
    as the keys do, and a line (the cells that differ only along one axis) is a cell's number
    with that axis's digit zeroed: integers are cheaper set members and dictionary keys than
    tuples of text, whose hash is computed again at each use. The set-up works a column at a
    time through ``map`` and friends (tens of thousands of cells at 100,000 incidents): a Python
    statement per cell and per axis was most of the cost of protecting a cube.
    """
    if not counts:
        return set()
    width = len(cube)
    axes = removable_axes(cube, parents)
    keys = list(counts)
    tallies = list(counts.values())
    columns = [list(map(itemgetter(axis), keys)) for axis in range(width)]
    values = [sorted(set(column)) for column in columns]
    positions = [dict(zip(axis_values, count())) for axis_values in values]
    strides = [1] * width
    for axis in range(width - 2, -1, -1):
        strides[axis] = strides[axis + 1] * len(values[axis + 1])
    size = strides[0] * len(values[0])  # cells in the full grid: every number is below it

    def digit(code: int, axis: int) -> int:
        return code // strides[axis] % len(values[axis])

    def key_of(code: int) -> Key:
        return tuple(values[axis][digit(code, axis)] for axis in range(width))

    digits = [list(map(positions[axis].__getitem__, columns[axis])) for axis in range(width)]
    codes = [0] * len(keys)
    for axis in range(width):
        codes = list(map(add, codes, map(mul, digits[axis], repeat(strides[axis]))))
    people = dict(zip(codes, tallies, strict=True))  # the cells that hold people
    weights = people if mass is counts else dict(zip(codes, map(mass.get, keys, repeat(0)), strict=True))
    # Withheld from the start: below k, or marked whatever their count.
    first = list(map(or_, map(k.__gt__, tallies), map(marked.__contains__, keys)))
    withheld = set(compress(keys, first))
    hidden_codes = set(compress(codes, first))
    # Cells smallest first (count, then key): the order complements are taken in. One integer per
    # cell sorts them, count first, since numbers sort as keys do (tuples of text compared slowly).
    ordered = list(map(mod, sorted(map(add, map(mul, tallies, repeat(size)), codes)), repeat(size)))
    lines: dict[int, dict[int, list[int]]] = {}
    for axis in axes:
        stride, found = strides[axis], {}
        place = map(mul, map(mod, map(floordiv, ordered, repeat(stride)), repeat(len(values[axis]))), repeat(stride))
        for rest, code in zip(map(sub, ordered, place), ordered, strict=True):
            line = found.get(rest)
            if line is None:
                found[rest] = [code]
            else:
                line.append(code)
        lines[axis] = found
    # A margin's withheld cells as lines of this cube (a margin cell with a value the cube has no
    # cell for is no line of it: such a value's digit is -size, which makes the number negative).
    margins: dict[int, set[int]] = {}
    for axis in axes:
        others = [other for other in range(width) if other != axis]
        known = list(hidden[cube[:axis] + cube[axis + 1:]])
        rests = [0] * len(known)
        for place, other in enumerate(others):
            column = map(positions[other].get, map(itemgetter(place), known), repeat(-size))
            rests = list(map(add, rests, map(mul, column, repeat(strides[other]))))
        margins[axis] = set(filter((0).__le__, rests))
    pairs = [(axis, cube.index(parents[name])) for axis, name in enumerate(cube) if name in parents]
    seen = set().union(*(zip(repeat(axis), digits[axis], digits[parent]) for axis, parent in pairs))  # noqa: B905 - repeat is endless

    def possible(code: int) -> bool:
        """Whether an empty cell could hold people: a month only within its own year, and so on.

        An empty cell withheld as a complement must not be one a reader knows is empty by
        construction (March 2024 in the year 2023), or subtracting with it would still work.
        """
        return all((axis, digit(code, axis), digit(code, parent)) in seen for axis, parent in pairs)

    # A work list in sorted order: the same counts must always give the same pattern. A line safe
    # as it starts (nothing withheld under a published margin, most often) stays safe until one
    # of its cells is withheld, and then it is queued again below, so only the lines that are not
    # safe at the start start in it (``_unsafe_lines``).
    #
    # A withheld empty cell is a cell like any other to a reader who cannot tell it is empty, so
    # every line counts the withheld empty cells on it (``empty_on``): left the only withheld cell
    # of a line under a published margin it would be 0 by subtraction, and the subtraction would
    # go on from there (a count below k came out of about one random cube in thirty). A line
    # with a withheld empty cell needs a withheld cell with people beside it, two of them holding
    # at least k if it has any; a line under a withheld margin is a line even with no cell with
    # people (the margin is a withheld empty cell), and needs one withheld cell at least.
    #
    # It ends: a line is queued only at the start or when a cell through it is newly withheld
    # (``_protect_line`` returns only cells that were not withheld before), a withheld cell is
    # never released, and the cube has finitely many cells, so at most the starting lines plus
    # (dimensions - 1) per cell are ever queued, and each turn of the loop takes one off. (An
    # empty cell already withheld, by another line or by this one earlier, used to be returned
    # again, and the lines through it queued again, for ever: an L of three cells of 1, 2 and 2
    # at k = 2 never finished.)
    empty_on: dict[tuple[int, int], list[int]] = {}

    # Per line, up to two of its cells that could hold anyone (with people, or empty and
    # possible), found once: ``usable`` asks it of every line through every candidate, and
    # walking a line's cells each time (a year's line of months walks every month of every
    # year) was a third of the work at 100,000 incidents.
    holders: dict[tuple[int, int], list[int]] = {}

    def could_hold(other: int, rest: int) -> list[int]:
        found = holders.get((other, rest))
        if found is None:
            stride, found = strides[other], []
            for cell in range(rest, rest + len(values[other]) * stride, stride):
                if cell in people or possible(cell):
                    found.append(cell)
                    if len(found) == 2:
                        break
            holders[other, rest] = found
        return found

    def usable(code: int, axis: int) -> bool:
        """Whether a cell can be a complement along ``axis``: not withheld yet, empty ones only
        possible ones, and on no other line the one cell that could hold anyone under a
        published margin (a single month of a year, a dimension with one value): a reader has
        its count from that margin, so it hides nothing."""
        if code in hidden_codes or (code not in people and not possible(code)):
            return False
        for other in axes:
            if other == axis:
                continue
            rest = code - digit(code, other) * strides[other]
            if rest in margins[other] or len(lines[other].get(rest, ())) >= 2:
                continue  # a withheld margin, or two cells with people: never the only one
            if all(cell == code for cell in could_hold(other, rest)):
                return False
        return True

    pending = [(axis, rest) for axis in axes for rest in _unsafe_lines(lines[axis], margins[axis], hidden_codes,
                                                                        weights, k)]
    queued = set(pending)
    heapq.heapify(pending)
    while pending:
        axis, rest = heapq.heappop(pending)
        queued.discard((axis, rest))
        # Most lines are found safe as they are (nine in ten at 100,000 incidents): said here
        # first, as _protect_line would, without setting up its candidates.
        line = lines[axis].get(rest, ())
        withheld_here = list(filter(hidden_codes.__contains__, line))
        empty_here = empty_on.get((axis, rest), [])
        number = len(withheld_here) + len(empty_here)
        if rest in margins[axis]:
            if len(withheld_here) >= 2 or (number and len(withheld_here) == len(line)):
                continue
        elif not number or (number >= 2 and (not withheld_here or len(withheld_here) >= 2)
                            and sum(map(weights.get, withheld_here)) >= k):
            continue
        stride = strides[axis]
        # Lazily: most lines never need an empty complement, and a line can have hundreds of values.
        empties = (code for code in range(rest, rest + len(values[axis]) * stride, stride) if code not in people)
        candidates = (code for code in chain(line, empties) if usable(code, axis))
        for code in _protect_line(line, empty_here, candidates, people, hidden_codes, rest in margins[axis], k,
                                  weights):
            withheld.add(key_of(code))
            empty = code not in people
            for other in axes:
                other_rest = code - digit(code, other) * strides[other]
                if empty:
                    empty_on.setdefault((other, other_rest), []).append(code)
                if other != axis and (other, other_rest) not in queued:
                    queued.add((other, other_rest))
                    heapq.heappush(pending, (other, other_rest))
    if order is not None:  # every cell, with people or withheld, in key order (numbers sort as keys do)
        by_code = dict(zip(codes, keys, strict=True))
        by_code.update((code, key_of(code)) for code in hidden_codes.difference(people))
        order.extend(map(by_code.__getitem__, sorted(by_code)))
    return withheld


def _unsafe_lines(lines: Mapping[int, list[int]], margin: set[int], hidden: set[int], weights: Mapping[int, int],
                  k: int) -> list[int]:
    """The lines along one axis that are not safe as they start, in order (the work list's start).

    A line safe at the start is found safe by the loop too, and stays so until one of its cells
    is withheld, which queues it again: leaving it out changes no pattern, only spares a turn of
    the loop (nine lines in ten at 100,000 incidents). The test is the loop's, with no withheld
    empty cell yet: under a published margin none withheld, or two holding k together; under a
    withheld margin two withheld, or all of the line's cells (a line of nobody is never safe).
    """
    found = [rest for rest in margin if rest not in lines]
    for rest, line in lines.items():
        here = list(filter(hidden.__contains__, line))
        if rest in margin:
            if len(here) < 2 and not (here and len(here) == len(line)):
                found.append(rest)
        elif here and (len(here) < 2 or sum(map(weights.__getitem__, here)) < k):
            found.append(rest)
    return sorted(found)


def _protect_line(smallest_first: Sequence[int], empty_withheld: Sequence[int], candidates: Iterator[int],
                  counts: Mapping[int, int], withheld: set[int], margin_hidden: bool, k: int,
                  people: Mapping[int, int]) -> list[int]:
    """Withhold the smallest published cells of one line until it is safe; returns those added.

    With the margin published, the withheld cells must be none, or at least two holding at least
    k together (``people``: counted outside groups). With the margin withheld, every
    cell or at least two must be withheld, or the margin is the sum of the published cells. An
    empty cell is withheld when no published count is left: a reader who cannot tell it is empty
    cannot subtract with it either. Empty cells already withheld on the line (``empty_withheld``;
    ``smallest_first`` holds only cells with people) count as withheld cells of it, holding no one.
    Only cells withheld here for the first time are returned, so that the caller's loop ends
    (see ``_protect_cube``); ``candidates`` yields only cells not withheld yet, cells with people
    (smallest first) before empty ones.
    """
    hidden_people = [key for key in smallest_first if key in withheld]
    hidden_now = len(hidden_people) + len(empty_withheld)
    mass = sum(people.get(key, 0) for key in hidden_people)

    def safe() -> bool:
        if margin_hidden:
            return len(hidden_people) >= 2 or (hidden_now > 0 and len(hidden_people) == len(smallest_first))
        return not hidden_now or (hidden_now >= 2 and len(hidden_people) != 1 and mass >= k)

    added: list[int] = []
    while not safe():
        key = next(candidates, None)
        if key is None or (key not in counts and hidden_now >= 2):
            break  # empty cells add no mass: two withheld are all they can give
        withheld.add(key)
        added.append(key)
        hidden_now += 1
        if key in counts:
            hidden_people.append(key)
            mass += people.get(key, 0)
    return added
