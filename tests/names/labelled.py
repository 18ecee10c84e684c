"""The labelled set of name forms (``data/name_forms.tsv``) as pairs and non-pairs, and its scores."""
from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tracker.names import candidate_keys, compare_names, families_for, name_keys

FORMS = Path(__file__).parent / "data" / "name_forms.tsv"


@dataclass
class Scores:
    """Counts of one run of the duplicate rule over the labelled set."""

    pairs: int = 0
    non_pairs: int = 0
    sharing_a_key: int = 0  # non-pairs the index proposes as candidates (a shared key)
    found: int = 0
    false: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)
    unreachable: list[tuple[str, str]] = field(default_factory=list)  # matched, but no shared candidate digest

    @property
    def recall(self) -> float:
        return self.found / self.pairs

    @property
    def precision(self) -> float:
        return self.found / max(1, self.found + len(self.false))


def people() -> dict[tuple[str, str], list[str]]:
    """{(community, person): [name forms]} from the fixture."""
    forms: dict[tuple[str, str], list[str]] = defaultdict(list)
    with FORMS.open(encoding="utf-8") as rows:
        for person, community, name, _source in csv.reader(
                (line for line in rows if not line.startswith("#")), delimiter="\t"):
            forms[(community, person)].append(name)
    return forms


def score() -> Scores:
    """Compare every pair of forms of one person and every pair of two people of one community."""
    scores = Scores()
    by_community: dict[str, list[list[str]]] = defaultdict(list)
    for (community, _person), names in people().items():
        by_community[community].append(names)
        families = families_for(community)
        for a, b in itertools.combinations(names, 2):
            scores.pairs += 1
            if compare_names(a, b, families, families):
                scores.found += 1
                if not (candidate_keys(a, families) & name_keys(b, families)
                        and candidate_keys(b, families) & name_keys(a, families)):
                    scores.unreachable.append((a, b))
            else:
                scores.missed.append((a, b))
    for community, members in by_community.items():
        families = families_for(community)
        keys = {name: name_keys(name, families) for names in members for name in names}
        for first, second in itertools.combinations(members, 2):
            for a, b in itertools.product(first, second):
                scores.non_pairs += 1
                scores.sharing_a_key += bool(keys[a] & keys[b])
                if compare_names(a, b, families, families):
                    scores.false.append((a, b))
    return scores
