"""A merged person's leftover involvements are never counted (tracker/casework/dedup.py ``merge_people``).

A merge moves the dropped person's involvements to the kept person except where the kept person
already has that role in that incident: those stay on the merged person so the merge can be undone
exactly. Counted, they were the same human twice in the incident's cells (the kept id and the
merged id); the statistics, the kept counts and the de-identified dataset leave them out, and
undoing the merge brings the counts back.
"""
from __future__ import annotations

import json

from sqlmodel import select

from tests.factories import make_incident, make_person, make_report
from tracker.analytics.dataset import DeidentifiedDataset
from tracker.analytics.statistics import NO_FILTERS, incident_counts
from tracker.analytics.tables import IN_GROUPS, Releaser, TableRequest, count_cubes
from tracker.analytics.upkeep import read_margins
from tracker.casework.dedup import merge_people, unmerge_people
from tracker.casework.groups import add_named_members
from tracker.models import IncidentReport, Involvement, Person
from tracker.models.statistics import StatisticsMargin


def _targeting(session, *people: Person, **fields):
    incident = make_incident(session, **fields)
    for person in people:
        session.add(Involvement(incident_id=incident.id, person_id=person.id, role="target"))
    session.commit()
    return incident


def _register(session) -> None:
    releaser = Releaser(session)
    for by in (("host_country",), ("target_type",), ("year",)):
        releaser.release(TableRequest("incidents", by, NO_FILTERS))


def _assert_kept_equals_recount(session) -> None:
    for margin in session.exec(select(StatisticsMargin)).all():
        dimensions = tuple(json.loads(margin.dimensions))
        kept = read_margins(session, margin.subject, dimensions, [dimensions])[dimensions]
        assert kept == count_cubes(session, margin.subject, dimensions, [dimensions])[dimensions], dimensions


def _by_host(session) -> dict:
    return incident_counts(session, ["host_country"]).cells


def test_a_merged_persons_leftover_target_is_not_the_same_human_counted_twice(session):
    kept, dropped = make_person(session, target_types=["activist"]), make_person(session, target_types=["student"])
    both = _targeting(session, kept, dropped, host_country="DE")
    _targeting(session, dropped, host_country="TR")  # moves with the merge
    _register(session)
    before = _by_host(session)
    assert before == {("DE",): 2, ("TR",): 1}
    merge_people(session, kept, dropped, user_id=None)
    session.commit()
    leftover = session.exec(select(Involvement).where(Involvement.person_id == dropped.id)).all()
    assert [i.incident_id for i in leftover] == [both.id]  # stays on the merged person, for undoing
    assert _by_host(session) == {("DE",): 1, ("TR",): 1}
    assert incident_counts(session, ["target_type"]).cells == {("activist",): 1}
    _assert_kept_equals_recount(session)
    unmerge_people(session, dropped, user_id=None)
    session.commit()
    assert _by_host(session) == before
    _assert_kept_equals_recount(session)


def test_an_incident_whose_kept_target_was_removed_still_counts_one_person(session):
    kept, dropped = make_person(session), make_person(session)
    _targeting(session, kept, dropped, host_country="DE")
    _register(session)
    merge_people(session, kept, dropped, user_id=None)
    session.commit()
    session.delete(session.exec(select(Involvement).where(Involvement.person_id == kept.id)).one())
    session.commit()
    # The merged person's row is still no second human; the incident counts as one, as an
    # incident with no recorded target does.
    assert _by_host(session) == {("DE",): 1}
    assert incident_counts(session, ["target_type"]).cells == {("unknown",): 1}
    _assert_kept_equals_recount(session)


def test_a_merged_named_member_is_not_a_second_member_of_the_group(session):
    unsized = make_person(session, is_group=True, group_size=None, group_size_kind="exact", names=[])
    sized = make_person(session, is_group=True, group_size=5, group_size_kind="exact", names=[])
    first = _targeting(session, unsized, host_country="DE")
    _targeting(session, sized, host_country="TR")
    a, b = add_named_members(session, unsized, ["Member A", "Member B"], incident_id=first.id, user_id=None)
    c, d = add_named_members(session, sized, ["Member C", "Member D"], incident_id=None, user_id=None)
    session.commit()
    _register(session)
    cells = count_cubes(session, "incidents", ("host_country",), [("host_country",)])[("host_country",)]
    assert cells == {("DE",): 2, ("DE", IN_GROUPS): 2, ("TR",): 5, ("TR", IN_GROUPS): 5}
    merge_people(session, b, a, user_id=None)  # both members: a's link stays on a, a's target row too
    merge_people(session, d, c, user_id=None)
    session.commit()
    cells = count_cubes(session, "incidents", ("host_country",), [("host_country",)])[("host_country",)]
    assert cells == {("DE",): 1, ("DE", IN_GROUPS): 1, ("TR",): 5, ("TR", IN_GROUPS): 5}
    _assert_kept_equals_recount(session)
    unmerge_people(session, a, user_id=None)
    unmerge_people(session, c, user_id=None)
    session.commit()
    cells = count_cubes(session, "incidents", ("host_country",), [("host_country",)])[("host_country",)]
    assert cells == {("DE",): 2, ("DE", IN_GROUPS): 2, ("TR",): 5, ("TR", IN_GROUPS): 5}
    _assert_kept_equals_recount(session)


def test_the_deidentified_dataset_counts_a_merged_person_once(session, app):
    app.config["SUPPRESSION_THRESHOLD"] = 2
    kept, dropped = make_person(session), make_person(session)
    incident = _targeting(session, kept, dropped, host_country="DE")
    session.add(IncidentReport(incident_id=incident.id, report_id=make_report(session, consent_statistics=True).id))
    session.commit()

    def released() -> int:
        dataset = DeidentifiedDataset(session)
        dataset.prepare()
        return dataset.released()

    assert released() == 1  # two people: at the threshold
    merge_people(session, kept, dropped, user_id=None)
    session.commit()
    assert released() == 0  # one human: below it
    unmerge_people(session, dropped, user_id=None)
    session.commit()
    assert released() == 1
