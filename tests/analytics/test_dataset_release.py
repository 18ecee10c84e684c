"""The dataset export's one-pass release against the rule written out plainly, and what it leaves out."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

import pytest
from sqlmodel import select

from tests.factories import make_incident, make_person, make_report
from tracker.analytics.dataset import LEVELS, MAX_WITHHELD, DeidentifiedDataset, deidentified_rows
from tracker.analytics.statistics import Filters
from tracker.models import Incident, IncidentReport, Involvement, Report


def _plain_release(session, k: int) -> tuple[int, list[tuple]]:
    """The rule as the codebook states it, computed naively in Python over every counted incident."""
    incidents = session.exec(select(Incident).where(Incident.merged_into_id.is_(None))).all()
    counted = []
    for incident in incidents:
        reports = session.exec(select(IncidentReport).where(IncidentReport.incident_id == incident.id)).all()
        flags = [session.get(Report, link.report_id).consent_statistics for link in reports]
        if reports and not any(flags):
            continue
        targets = session.exec(select(Involvement.person_id).where(
            Involvement.incident_id == incident.id, Involvement.role == "target")).all()
        counted.append((incident, set(targets) or {-incident.id}))

    def key(incident, level):
        year = str(incident.start_date.year) if incident.start_date else "unknown"
        month = incident.start_date.isoformat()[:7] if incident.start_precision in ("exact", "month") else year
        period = month if level.keep_month else year
        host = [incident.host_country or "unknown"] if level.keep_host else []
        return (period, incident.origin_country or "unknown", *host, incident.community or "unknown",
                incident.primary_tactic)

    for index, level in enumerate(LEVELS):
        people, rows = defaultdict(set), defaultdict(int)
        for incident, persons in counted:
            people[key(incident, level)] |= persons
            rows[key(incident, level)] += 1
        withheld = sum(rows[cell] for cell in rows if len(people[cell]) < k)
        if withheld <= MAX_WITHHELD * len(counted) or index == len(LEVELS) - 1:
            released = sorted(key(incident, level) for incident, _persons in counted
                              if len(people[key(incident, level)]) >= k)
            return index, released
    raise AssertionError("unreachable")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_pass_release_equals_the_plain_rule(session, app, seed):
    rng = random.Random(seed)
    people = [make_person(session) for _ in range(12)]
    for _ in range(70):
        precision = rng.choice(("exact", "month", "year", "unknown"))
        incident = make_incident(
            session, primary_tactic=rng.choice(("assault", "coercion_by_proxy")),
            host_country=rng.choice(("TR", "TR", "DE", None)), community=rng.choice(("uyghur", "tibetan")),
            start_date=None if precision == "unknown" else date(2023, rng.choice((1, 2)), 5),
            start_precision=precision)
        for person in rng.sample(people, rng.choice((0, 1, 1, 2))):
            session.add(Involvement(incident_id=incident.id, person_id=person.id, role="target"))
        if rng.random() < 0.7:
            report = make_report(session, consent_statistics=rng.random() < 0.8)
            session.add(IncidentReport(incident_id=incident.id, report_id=report.id))
        session.commit()
    k = rng.choice((2, 3, 4))
    app.config["SUPPRESSION_THRESHOLD"] = k
    level, expected = _plain_release(session, k)
    dataset = DeidentifiedDataset(session)
    dataset.prepare()
    assert dataset.level() == level
    assert dataset.released() == len(expected)
    rows = list(deidentified_rows(session))[1:]
    assert {row[-1] for row in rows} <= {str(level)}
    assert [row[0] for row in rows] == list(range(1, len(expected) + 1))
    keep = LEVELS[level]
    got = sorted((row[1] or "unknown", row[3] or "unknown", *([row[4] or "unknown"] if keep.keep_host else []),
                  row[5] or "unknown", row[6]) for row in rows)
    assert got == expected


def test_an_incident_merged_into_another_is_left_out(session, app):
    app.config["SUPPRESSION_THRESHOLD"] = 2
    kept = [make_incident(session) for _ in range(3)]
    for incident in kept:
        session.add(Involvement(incident_id=incident.id, person_id=make_person(session).id, role="target"))
    merged = make_incident(session, merged_into_id=kept[0].id)
    session.commit()
    assert merged.merged_into_id == kept[0].id
    assert len(list(deidentified_rows(session))) == 1 + 3


def test_filters_narrow_the_dataset_on_every_engine(session, app):
    app.config["SUPPRESSION_THRESHOLD"] = 2
    for community, year in (("uyghur", 2023), ("uyghur", 2023), ("tibetan", 2023), ("uyghur", 2021)):
        incident = make_incident(session, community=community, start_date=date(year, 3, 1))
        session.add(Involvement(incident_id=incident.id, person_id=make_person(session).id, role="target"))
    session.commit()
    rows = list(deidentified_rows(session, Filters(community="uyghur", year="2023")))[1:]
    assert [(row[2], row[5]) for row in rows] == [("2023", "uyghur"), ("2023", "uyghur")]
