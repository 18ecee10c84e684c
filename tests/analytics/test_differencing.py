"""The issue 16 attacker: difference every release an analyst can get and recover nothing below k.

The attacker requests tables through the statistics API, the dashboard and ``flask export``,
for every fixed-bin filter (each year, community, host country, and pairs of them), and writes
down every published count as a fact about the people matching a set of constraints (a cell
not listed in a table whose total is published is a known 0). Each person here has exactly one
incident, so counts add up exactly along every single-valued dimension: the defender's worst
case. The attacker then solves every equation "a margin is the sum of its cells" that has one
unknown (a year minus its months, a total minus its communities, an unfiltered table minus the
filtered ones), over and over until nothing new follows. No derived count may lie in 1..k-1.

The same attacker, run against tables suppressed one by one (what the tracker did before),
does recover counts: the test can fail.
"""
from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from datetime import date

import pytest

from tests.analytics.test_api_stats import bearer
from tracker.analytics.dashboard import dashboard_tables
from tracker.analytics.disclosure import release
from tracker.analytics.exports import table_document
from tracker.analytics.statistics import Filters, incident_counts
from tracker.models import Incident, IncidentCode

K = 5
DIMENSIONS = ("year", "month", "community", "host_country", "verification", "primary_tactic")
BREAKDOWNS = [("year",), ("month",), ("community",), ("host_country",), ("verification",), ("primary_tactic",),
              ("community", "host_country"), ("year", "community"), ("month", "host_country"),
              ("primary_tactic", "year")]


@pytest.fixture
def app_config() -> dict:
    return {"SUPPRESSION_THRESHOLD": K}


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def population(session, seed: int, size: int = 220) -> list[dict]:
    """Incidents with no recorded target (each one person), skewed so that many cells are small."""
    rng = random.Random(seed)
    people = []
    for _ in range(size):
        year, month = rng.choice((2020, 2021, 2021, 2022, 2022, 2022)), rng.randint(1, 12)
        precise = rng.random() < 0.9
        values = {"community": _weighted(rng, {"uyghur": 60, "tibetan": 25, "hongkong": 10, "kazakh": 5}),
                  "host_country": _weighted(rng, {"TR": 40, "DE": 25, "US": 20, "NL": 10, "JP": 5}),
                  "verification": _weighted(rng, {"credible": 60, "verified": 30, "unverified": 10}),
                  "primary_tactic": _weighted(rng, {"coercion_by_proxy": 50, "digital_threat": 30,
                                                    "assault": 12, "spyware": 8})}
        incident = Incident(origin_country="CN", start_date=date(year, month, 1), title="t",
                            start_precision="exact" if precise else "year", **values)
        incident.codes = [IncidentCode(vocabulary="tactic", code=values["primary_tactic"])]
        session.add(incident)
        people.append({**values, "year": str(year), "month": f"{year}-{month:02d}" if precise else str(year)})
    session.commit()
    return people


def filter_sets(people: list[dict]) -> list[dict[str, str]]:
    """No filter, each year, community and host country, and year x community pairs."""
    values = {name: sorted({person[name] for person in people}) for name in ("year", "community", "host_country")}
    sets: list[dict[str, str]] = [{}]
    sets += [{name: value} for name, options in values.items() for value in options]
    sets += [{"year": year, "community": community} for year in values["year"] for community in values["community"]]
    return sets


def constraints(pairs) -> frozenset:
    """A set of (dimension, value) constraints; a month also fixes its year."""
    found = set(pairs)
    for name, value in list(found):
        if name == "month":
            found.add(("year", value[:4]))
    return frozenset(found)


class Attacker:
    """Facts (people matching a set of constraints) from released tables, and what follows from them."""

    def __init__(self, people: list[dict]):
        self.people = people
        self.domain = {name: sorted({person[name] for person in people}) for name in DIMENSIONS}
        self.known: dict[frozenset, int] = {}
        self.published: set[frozenset] = set()

    def learn(self, fixed: dict[str, str], document: dict) -> None:
        """Every number of one released table, and the zeros its unlisted cells imply."""
        base = constraints(fixed.items())
        if document["total"] is not None:
            self._publish(base, document["total"])
        listed = set()
        for cell in document["cells"]:
            key = constraints([*fixed.items(), *zip(document["dimensions"], cell["values"], strict=True)])
            listed.add(key)
            if cell["count"] is not None:
                self._publish(key, cell["count"])
        if document["total"] is not None:
            for values in itertools.product(*(self.domain[name] for name in document["dimensions"])):
                key = constraints([*fixed.items(), *zip(document["dimensions"], values, strict=True)])
                if key not in listed and self._possible(key):
                    self._publish(key, 0)

    def _publish(self, key: frozenset, count: int) -> None:
        assert self.known.get(key, count) == count, f"two releases disagree about {sorted(key)}"
        self.known[key] = count
        self.published.add(key)

    @staticmethod
    def _possible(key: frozenset) -> bool:
        names = [name for name, _ in key]
        return len(names) == len(set(names))  # a month of another year than the one fixed is impossible

    def derive(self) -> None:
        """Solve margin = sum of cells wherever exactly one number is unknown, until nothing follows."""
        changed = True
        while changed:
            changed = False
            parents = {frozenset(subset) for key in list(self.known) for size in range(len(key) + 1)
                       for subset in itertools.combinations(sorted(key), size)}
            for parent in parents:
                for name in DIMENSIONS:
                    changed |= self._solve(parent, name)

    def _solve(self, parent: frozenset, name: str) -> bool:
        fixed = dict(parent)
        if name in fixed or (name == "year" and "month" in fixed):
            return False
        children = [key for key in (constraints([*parent, (name, value)]) for value in self.domain[name])
                    if self._possible(key)]
        unknown = [key for key in [parent, *children] if key not in self.known]
        if len(unknown) != 1:
            return False
        cells = sum(self.known.get(key, 0) for key in children)
        self.known[unknown[0]] = cells if unknown[0] == parent else self.known[parent] - cells
        return True

    def truth(self, key: frozenset) -> int:
        return sum(1 for person in self.people if all(person[name] == value for name, value in key))

    def recovered_small_counts(self) -> list[tuple]:
        """Derived (never published) facts about fewer than k people, at least one."""
        for key, value in self.known.items():
            assert value == self.truth(key), "the attacker's algebra is wrong"
        return sorted((sorted(key), value) for key, value in self.known.items()
                      if key not in self.published and 0 < value < K)


def test_no_release_through_the_api_dashboard_or_cli_can_be_differenced(app, client, session, runner):
    people = population(session, seed=16)
    attacker, headers = Attacker(people), bearer(session, "analyst")
    for fixed in filter_sets(people):
        for by in BREAKDOWNS:
            response = client.get("/api/v1/stats/incidents", headers=headers,
                                  query_string={"by": ",".join(by), **fixed})
            assert response.status_code == 200, response.get_json()
            attacker.learn(fixed, response.get_json())
        with app.test_request_context():
            tables = dashboard_tables(session, Filters(**fixed), "month")
            for name in ("host_country", "community", "verification"):
                attacker.learn(fixed, table_document(tables.breakdowns[name]))
            attacker.learn(fixed, table_document(tables.trend))
    for fixed in ({}, {"year": "2022"}):
        options = [f"--{name.replace('_', '-')}={value}" for name, value in fixed.items()]
        result = runner.invoke(args=["export", "stats", "--by", "host_country,verification", "--format", "json",
                                     *options])
        assert result.exit_code == 0, result.output
        attacker.learn(fixed, json.loads(result.stdout))
    small = Counter((person["community"], person["host_country"], person["year"]) for person in people)
    assert sum(1 for size in small.values() if size < K) > 10, "the population must have small cells to protect"
    attacker.derive()
    assert attacker.recovered_small_counts() == []


def test_the_period_ranges_of_the_issue_are_refused(client, session):
    headers = bearer(session, "analyst")
    response = client.get("/api/v1/stats/incidents?by=host_country&period_from=2021-01&period_to=2021-02",
                          headers=headers)
    assert response.status_code == 400 and "year=YYYY" in response.get_json()["message"]
    assert client.get("/api/v1/stats/incidents?by=host_country&year=21", headers=headers).status_code == 400


def test_the_same_attacker_recovers_counts_from_tables_suppressed_one_by_one(app, session):
    """What the tracker did before: each table suppressed against its own total only."""
    people = population(session, seed=16)
    attacker = Attacker(people)
    with app.test_request_context():
        for fixed in filter_sets(people):
            for by in BREAKDOWNS:
                counts = incident_counts(session, list(by), Filters(**fixed))
                attacker.learn(fixed, table_document(release(by, counts.cells, counts.total, minimum=K)))
    attacker.derive()
    assert len(attacker.recovered_small_counts()) > 10
