"""Groups in the analysts' statistics (issue 12 §3): a group counts as its number, a named member once.

A group with named members is counted as its members (distinct people like anyone else) plus
what its size adds beyond them; the same rule as casework's ``targeted_people``.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.factories import add_status, make_incident, make_person, make_relative
from tracker.analytics.statistics import Filters, incident_counts, relative_counts
from tracker.analytics.tables import IN_GROUPS, count_cubes, incident_table, relative_table
from tracker.casework.groups import MEMBER, add_named_members, targeted_people
from tracker.models import Involvement, Person, PersonRelationship

K = 3


@pytest.fixture
def app_config() -> dict:
    """A small threshold keeps the fixtures short; the rules are the same."""
    return {"SUPPRESSION_THRESHOLD": K}


def group(session, size: int | None, kind: str = "exact", **fields) -> Person:
    return make_person(session, is_group=True, group_size=size, group_size_kind=kind, names=[], **fields)


def target(session, person: Person, **fields):
    incident = make_incident(session, **fields)
    session.add(Involvement(incident_id=incident.id, person_id=person.id, role="target"))
    session.commit()
    return incident


def members(session, of: Person, count: int, incident=None) -> list[Person]:
    return add_named_members(session, of, [f"Member {of.id}-{n}" for n in range(count)],
                             incident_id=incident.id if incident is not None else None, user_id=None)


def test_a_group_counts_as_its_size_and_its_named_members_are_inside_it(session):
    hk47 = group(session, 47, host_country="HK")
    incident = target(session, hk47, host_country="HK")
    members(session, hk47, 5, incident)  # each also a target of the same incident
    counts = incident_counts(session, ["host_country"])
    assert counts.cells == {("HK",): 47} and counts.total == 47
    assert targeted_people(session, [incident.id]) == 47


def test_a_named_member_targeted_in_another_incident_of_the_cell_is_not_counted_twice(session):
    a4 = group(session, 12, "at_least")
    target(session, a4, host_country="DE")
    [member] = members(session, a4, 1)
    second = target(session, member, host_country="DE")
    assert incident_counts(session, ["host_country"]).cells == {("DE",): 12}
    # Out of the group's incident, the member is one person of their own.
    other = target(session, make_person(session), host_country="FR")
    session.add(Involvement(incident_id=other.id, person_id=member.id, role="target"))
    session.commit()
    assert incident_counts(session, ["host_country"]).cells == {("DE",): 12, ("FR",): 2}
    assert targeted_people(session, [second.id, other.id]) == 2


def test_more_named_members_than_the_size_count_as_the_members(session):
    expelled = group(session, 3, "estimated")
    incident = target(session, expelled, host_country="US")
    members(session, expelled, 5, incident)
    assert incident_counts(session, ["host_country"]).total == 5
    assert targeted_people(session, [incident.id]) == 5


def test_estimated_and_at_least_sizes_count_as_their_number_and_a_group_without_size_as_one(session):
    target(session, group(session, 222, "estimated"), host_country="US")
    target(session, group(session, 30, "at_least"), host_country="US")
    target(session, group(session, None, None), host_country="US")
    target(session, make_person(session), host_country="US")
    assert incident_counts(session, ["host_country"]).total == 222 + 30 + 1 + 1


def test_a_group_of_relatives_counts_as_its_size(session):
    reporter = make_person(session)
    incident = target(session, reporter, origin_country="NI")
    family = group(session, 6, "exact")
    session.add(PersonRelationship(person_id=reporter.id, related_person_id=family.id, relationship_type="sibling"))
    session.commit()
    add_status(session, family, "detained_administrative", date(2023, 2, 1), incident_id=incident.id,
               in_retaliation="yes")
    [named] = members(session, family, 1)
    add_status(session, named, "imprisoned", date(2023, 5, 1), incident_id=incident.id, in_retaliation="yes")
    counts = relative_counts(session, ["status"], group="detention", retaliation_only=True)
    assert counts.total == 6  # the named sibling imprisoned is one of the six
    assert counts.cells == {("detained_administrative",): 6, ("imprisoned",): 1}


def test_a_cell_of_a_known_group_and_fewer_than_k_others_is_withheld(session):
    """Subtracting the Hong Kong 47 from a published 49 would leave two people exposed."""
    target(session, group(session, 47), host_country="HK")
    for _ in range(2):
        target(session, make_person(session), host_country="HK")
    target(session, group(session, 40), host_country="GB")  # the group alone: nothing beside it
    for host, people in (("TW", 5), ("JP", 3)):
        for _ in range(people):
            target(session, make_person(session), host_country=host)
    table = incident_table(session, ["host_country"])
    published = {cell.key: cell.count for cell in table.cells}
    assert published[("GB",)] == 40 and published[("TW",)] == 5
    assert published[("HK",)] is None
    assert published[("JP",)] is None  # the smallest other cell, so HK cannot be had from the total
    kept = count_cubes(session, "incidents", ("host_country",), [("host_country",)])[("host_country",)]
    assert kept[("HK",)] == 49 and kept[("HK", IN_GROUPS)] == 47


def test_a_cell_of_a_group_alone_is_no_complement_for_a_small_cell(session):
    """Withholding "the 47 and 2 more" with a group of 4 alone would give 2 back: 53 - 47 - 4."""
    target(session, group(session, 47), host_country="HK")
    for _ in range(2):
        target(session, make_person(session), host_country="HK")
    target(session, group(session, 4), host_country="GB")  # the smallest cell: the first complement tried
    for host, people in (("TW", 6), ("JP", 5)):
        for _ in range(people):
            target(session, make_person(session), host_country=host)
    published = {cell.key: cell.count for cell in incident_table(session, ["host_country"]).cells}
    assert published[("HK",)] is None
    outside_groups = {("HK",): 2, ("GB",): 0, ("TW",): 6, ("JP",): 5}
    withheld = [key for key, count in published.items() if count is None]
    assert len(withheld) >= 2 and sum(outside_groups[key] for key in withheld) >= K, withheld


def test_a_group_in_the_grand_total_does_not_hide_few_people_beside_it(session):
    target(session, group(session, 47), host_country="HK")
    target(session, make_person(session), host_country="HK")
    assert incident_table(session, ["host_country"]).total is None
    assert incident_table(session, ["host_country"], Filters(host_country="HK")).total is None


def test_named_members_are_people_like_others_when_their_group_is_not_targeted(session):
    idle = group(session, 100)
    for member in members(session, idle, 3):
        target(session, member, host_country="KZ")
    assert incident_counts(session, ["host_country"]).cells == {("KZ",): 3}
    links = session.exec(select(PersonRelationship).where(PersonRelationship.person_id == idle.id,
                                                          PersonRelationship.relationship_type == MEMBER)).all()
    assert len(links) == 3


def test_relatives_table_releases_groups_by_their_size(session):
    reporter = make_person(session)
    incident = target(session, reporter)
    family = group(session, 8)
    add_status(session, family, "detained_administrative", date(2022, 1, 1), incident_id=incident.id)
    for _ in range(3):
        relative, _link = make_relative(session, reporter)
        add_status(session, relative, "questioned", date(2022, 1, 1), incident_id=incident.id)
    table = relative_table(session, ["status"])
    assert table.total == 11
    assert {cell.key: cell.count for cell in table.cells} == {("detained_administrative",): 8, ("questioned",): 3}
