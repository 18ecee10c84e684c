"""Kept counts (tracker/analytics/upkeep.py): current after every change, equal to a full recount."""
from __future__ import annotations

import json
import random
from datetime import date

import pytest
from sqlalchemy import delete, insert
from sqlmodel import select

from tests.analytics.conftest import PLANTED, _story
from tests.factories import add_status, make_incident, make_person, make_relative, make_report
from tracker.analytics.dashboard import dashboard_tables
from tracker.analytics.statistics import NO_FILTERS, Filters
from tracker.analytics.tables import Releaser, TableRequest, count_cubes
from tracker.analytics.upkeep import read_margins
from tracker.casework.groups import MEMBER, add_named_members
from tracker.models import (Incident, IncidentCode, IncidentReport, Involvement, Person, PersonRelationship,
                            RelativeStatus, Report)
from tracker.models.statistics import StatisticsCell, StatisticsMargin

COMMUNITIES, HOSTS = ("uyghur", "tibetan", "hongkong"), ("TR", "DE", "US")
TACTICS = ("assault", "spyware", "digital_threat")


def register_tables(session) -> None:
    """Tables an analyst would look at, so their margins are kept from now on."""
    releaser = Releaser(session)
    for by in (("month",), ("tactic", "host_country"), ("community",), ("channel",), ("perpetrator_type",)):
        releaser.release(TableRequest("incidents", by, Filters(year="2023")))
    releaser.release(TableRequest("relatives", ("status", "origin_country"), NO_FILTERS, "detention", True))
    releaser.release(TableRequest("relatives", ("status_year",), Filters(community="uyghur")))
    releaser.release(TableRequest("incidents", ("target_type",)))
    releaser.release(TableRequest("relatives", ("target_type", "retaliation"), NO_FILTERS))


def assert_kept_equals_recount(session) -> None:
    margins = session.exec(select(StatisticsMargin)).all()
    assert margins
    for margin in margins:
        dimensions = tuple(json.loads(margin.dimensions))
        kept = read_margins(session, margin.subject, dimensions, [dimensions])[dimensions]
        fresh = count_cubes(session, margin.subject, dimensions, [dimensions])[dimensions]
        assert kept == fresh, (margin.subject, dimensions)


def assert_merged_people_uncounted(session) -> None:
    """Counts as if every involvement and member link of a merged person were gone.

    What is left on a merged person duplicates the kept person's (every row that could move
    moved), so leaving it out and deleting it must count the same. The deletions are bulk SQL
    (no flush hook sees them) and rolled back.
    """
    margins = [(margin.subject, tuple(json.loads(margin.dimensions)))
               for margin in session.exec(select(StatisticsMargin)).all()]
    counted = {margin: count_cubes(session, *margin, [margin[1]]) for margin in margins}
    merged = select(Person.id).where(Person.merged_into_id.is_not(None))
    session.execute(delete(Involvement).where(Involvement.person_id.in_(merged)))
    session.execute(delete(PersonRelationship).where(PersonRelationship.relationship_type == MEMBER,
                                                     PersonRelationship.related_person_id.in_(merged)))
    try:
        for margin in margins:
            assert count_cubes(session, *margin, [margin[1]]) == counted[margin], margin
    finally:
        session.rollback()


GROUP_KINDS = ("group", "members", "resize", "ungroup", "unmember", "group_status", "target_type")
MERGE_KINDS = ("merge", "merge", "unmerge")


def random_change(session, rng: random.Random, people: list, kinds: tuple[str, ...] = ()) -> str:
    """One edit of the kinds casework makes, through the ORM."""
    incidents = session.exec(select(Incident)).all()
    kind = rng.choice(("new", "new_same_person", "host", "community", "code", "untarget", "consent", "delete",
                       "status", "retaliation", "year") + kinds)
    incident = rng.choice(incidents)
    if kind in GROUP_KINDS:
        group_change(session, rng, people, kind, incident)
    if kind in MERGE_KINDS:
        merge_change(session, rng, kind, incident)
    if kind in ("new", "new_same_person"):
        person = rng.choice(people) if kind == "new_same_person" else make_person(session)
        people.append(person)
        created = make_incident(session, primary_tactic=rng.choice(TACTICS), host_country=rng.choice(HOSTS),
                                community=rng.choice(COMMUNITIES), start_date=date(2023, rng.randint(1, 12), 1),
                                start_precision="exact")
        session.add(Involvement(incident_id=created.id, person_id=person.id, role="target"))
    elif kind == "host":
        incident.host_country = rng.choice(HOSTS)
    elif kind == "community":
        incident.community = rng.choice(COMMUNITIES)
    elif kind == "year":
        incident.start_date = date(rng.choice((2022, 2023)), rng.randint(1, 12), 1)
    elif kind == "code":
        existing = session.exec(select(IncidentCode).where(IncidentCode.incident_id == incident.id,
                                                           IncidentCode.vocabulary == "channel")).all()
        if existing:
            session.delete(existing[0])
        else:
            session.add(IncidentCode(incident_id=incident.id, vocabulary="channel", code=rng.choice(("wechat", "sms"))))
    elif kind == "untarget":
        for involvement in session.exec(select(Involvement).where(Involvement.incident_id == incident.id)):
            session.delete(involvement)
    elif kind == "consent":
        link = session.exec(select(IncidentReport).where(IncidentReport.incident_id == incident.id)).first()
        if link is None:
            session.add(IncidentReport(incident_id=incident.id, report_id=make_report(session).id))
        else:
            report = session.get(Report, link.report_id)
            report.consent_statistics = not report.consent_statistics
    elif kind == "delete":
        session.delete(incident)
    elif kind == "status":
        relative, link = make_relative(session, rng.choice(people))
        add_status(session, relative, rng.choice(("detained_administrative", "imprisoned", "questioned")),
                   date(2023, 3, 1), incident_id=incident.id, in_retaliation=rng.choice(("yes", "no", "likely")),
                   relationship_id=link.id)
    elif kind == "retaliation":
        status = session.exec(select(RelativeStatus)).first()
        if status is not None:
            status.in_retaliation = rng.choice(("yes", "no", "unknown"))
    session.commit()
    return kind


def group_change(session, rng: random.Random, people: list, kind: str, incident: Incident) -> None:
    """An edit of a group: made and targeted, members named (some also targeted), resized, unmade."""
    groups = session.exec(select(Person).where(Person.is_group)).all()
    if kind == "group" or not groups:
        made = make_person(session, is_group=True, group_size=rng.choice((None, 4, 47, 222)), names=[],
                           group_size_kind=rng.choice(("exact", "at_least", "estimated")))
        session.add(Involvement(incident_id=incident.id, person_id=made.id, role="target"))
        people.append(made)
    elif kind == "members":
        chosen = rng.choice(groups)
        targeted = session.exec(select(Involvement.incident_id).where(Involvement.person_id == chosen.id)).first()
        named = add_named_members(session, chosen, [f"Named {rng.random()}" for _ in range(rng.randint(1, 3))],
                                  incident_id=rng.choice((targeted, None)), user_id=None)
        people.extend(named)
    elif kind == "resize":
        rng.choice(groups).group_size = rng.choice((None, 1, 2, 10, 500))
    elif kind == "ungroup":
        chosen = rng.choice(session.exec(select(Person).where(Person.group_size.is_not(None))).all() or groups)
        chosen.is_group = not chosen.is_group
    elif kind == "unmember":
        link = session.exec(select(PersonRelationship).where(PersonRelationship.relationship_type == MEMBER)).first()
        if link is not None:
            session.delete(link)
    elif kind == "group_status":
        add_status(session, rng.choice(groups), rng.choice(("detained_administrative", "imprisoned")),
                   date(2023, 4, 1), incident_id=incident.id, in_retaliation=rng.choice(("yes", "likely")))
    elif kind == "target_type":
        rng.choice(people).target_types = rng.sample(("activist", "journalist", "student"), rng.randint(0, 2))
    session.commit()
    return kind


def merge_change(session, rng: random.Random, kind: str, incident: Incident) -> None:
    """Two targets of one incident merged (the dropped one's role there stays on them), or the last merge undone."""
    from tracker.casework.dedup import merge_people, unmerge_people

    if kind == "unmerge":
        # Not a merge whose kept person was merged again since (that merge is undone first, as a
        # caseworker would): its rows may have moved on to a third person.
        merged = session.exec(select(Person).where(Person.merged_into_id.is_not(None))).all()
        undoable = [person for person in merged if session.get(Person, person.merged_into_id).merged_into_id is None]
        if undoable:
            unmerge_people(session, rng.choice(undoable), user_id=None)
        session.commit()
        return
    current = session.exec(select(Person).join(Involvement, Involvement.person_id == Person.id).where(
        Involvement.incident_id == incident.id, Involvement.role == "target", Person.merged_into_id.is_(None))).all()
    others = session.exec(select(Person).where(Person.merged_into_id.is_(None))).all()
    if not current or len(others) < 2:
        return
    keep = rng.choice(current)
    drop = rng.choice([person for person in others if person.id != keep.id and person.is_group == keep.is_group]
                      or [person for person in others if person.id != keep.id])
    if drop not in current:
        session.add(Involvement(incident_id=incident.id, person_id=drop.id, role="target"))
        session.commit()  # both targets of the incident: the dropped one's target role there stays
    if rng.random() < 0.5:
        keep, drop = drop, keep
    merge_people(session, keep, drop, user_id=None)
    session.commit()


def test_kept_counts_equal_a_full_recount_after_random_changes(populated):
    session = populated
    register_tables(session)
    rng, people = random.Random(17), [make_person(session) for _ in range(3)]
    for step in range(40):
        random_change(session, rng, people)
        if step % 8 == 7:
            assert_kept_equals_recount(session)
    assert_kept_equals_recount(session)


def test_kept_counts_with_groups_equal_a_full_recount_after_random_changes(populated):
    """Groups count as their number (issue 12 §3): their edits keep the counts exact as well."""
    session = populated
    register_tables(session)
    rng, people = random.Random(23), [make_person(session) for _ in range(3)]
    for step in range(60):
        random_change(session, rng, people, GROUP_KINDS + GROUP_KINDS)
        if step % 10 == 9:
            assert_kept_equals_recount(session)
    assert_kept_equals_recount(session)
    assert session.exec(select(StatisticsCell).where(StatisticsCell.cell.contains("@in_groups"))).first()


@pytest.mark.parametrize("seed", [29, 30])
def test_kept_counts_with_merged_people_equal_a_full_recount_after_random_changes(populated, seed):
    """Merges of two targets of one incident and their undoing, among other edits and group edits."""
    session = populated
    register_tables(session)
    rng, people = random.Random(seed), [make_person(session) for _ in range(3)]
    for step in range(60):
        random_change(session, rng, people, MERGE_KINDS * 3 + (GROUP_KINDS if seed % 2 else ()))
        if step % 6 == 5:
            assert_kept_equals_recount(session)
            assert_merged_people_uncounted(session)
    assert_kept_equals_recount(session)
    assert_merged_people_uncounted(session)
    assert session.exec(select(Person).where(Person.merged_into_id.is_not(None))).first()


def test_an_accepted_incident_is_counted_on_the_next_view(analyst_client, populated):
    """The dashboard used to show counts up to 15 minutes old (issue 17)."""
    before = dashboard_tables(populated, NO_FILTERS).trend.total
    for n in range(100, 103):
        _story(populated, n, host="TR", tactic="assault")
    assert dashboard_tables(populated, NO_FILTERS).trend.total == before + 3
    assert populated.exec(select(StatisticsMargin)).all()  # read from kept margins, not recounted


def test_changes_rolled_back_leave_the_counts_alone(populated):
    total = dashboard_tables(populated, NO_FILTERS).trend.total
    incident = populated.exec(select(Incident)).first()
    populated.delete(incident)
    populated.flush()
    populated.rollback()
    assert dashboard_tables(populated, NO_FILTERS).trend.total == total


def test_refresh_recounts_after_bulk_sql_that_bypassed_the_session(runner, populated):
    dashboard_tables(populated, NO_FILTERS)
    populated.execute(insert(Incident).values(primary_tactic="assault", host_country="TR", community="uyghur",
                                              title="bulk", start_date=date(2023, 1, 1), start_precision="exact"))
    populated.commit()
    assert dashboard_tables(populated, NO_FILTERS).trend.total == 12  # not seen: no ORM flush
    result = runner.invoke(args=["analytics", "refresh"])
    assert result.exit_code == 0, result.output
    assert "Recounted" in result.output
    assert dashboard_tables(populated, NO_FILTERS).trend.total == 13
    assert_kept_equals_recount(populated)


def test_disclosure_control_runs_on_every_read_of_kept_counts(populated, app):
    assert dashboard_tables(populated, NO_FILTERS).breakdowns["host_country"].total == 12
    app.config["SUPPRESSION_THRESHOLD"] = 13  # raised after the counts were kept
    tables = dashboard_tables(populated, NO_FILTERS)
    assert tables.trend.total is None
    assert tables.breakdowns["host_country"].cells == ()


def test_kept_margins_hold_counts_and_codes_only(populated):
    dashboard_tables(populated, Filters(host_country="TR"))
    kept = " ".join(cell.cell + cell.margin_key for cell in populated.exec(select(StatisticsCell)))
    kept += " ".join(margin.dimensions for margin in populated.exec(select(StatisticsMargin)))
    assert "TR" in kept
    for value in PLANTED.values():
        assert value not in kept


def test_the_dashboard_says_its_counts_are_current(analyst_client, populated):
    assert "counts are kept up to date" in analyst_client.get("/analytics/").get_data(as_text=True)


def test_refresh_with_filters_counts_what_any_one_filter_view_needs(runner, populated):
    result = runner.invoke(args=["analytics", "refresh", "--with-filters"])
    assert result.exit_code == 0, result.output
    margins = len(populated.exec(select(StatisticsMargin)).all())
    for filters in (Filters(community="tibetan"), Filters(year="2023"), Filters(host_country="TR")):
        dashboard_tables(populated, filters, "month")
    assert len(populated.exec(select(StatisticsMargin)).all()) == margins  # nothing left to count on a view


def _people_by_host(session) -> dict:
    return count_cubes(session, "incidents", ("host_country",), [("host_country",)])[("host_country",)]


def test_merges_and_their_undoing_keep_the_counts_and_a_merged_incident_is_not_counted(populated):
    # Merges move rows with bulk UPDATEs, which the flush hook cannot see, and the merged
    # incident stays as a marked row: counted, it was one more person "with no recorded target".
    from tracker.casework.dedup import merge_incidents, merge_people, unmerge_incidents, unmerge_people

    session = populated
    register_tables(session)
    incidents = session.exec(select(Incident).order_by(Incident.id)).all()
    keep, drop = incidents[0], incidents[9]  # a Turkish and a German incident, one target each
    before = _people_by_host(session)
    merge_incidents(session, keep, drop, user_id=None)
    session.commit()
    after = _people_by_host(session)
    assert sum(after.values()) == sum(before.values())  # the person moved; the merged row counts nothing
    assert after[("DE",)] == before[("DE",)] - 1
    assert_kept_equals_recount(session)
    unmerge_incidents(session, drop, user_id=None)
    session.commit()
    assert _people_by_host(session) == before
    assert_kept_equals_recount(session)

    targets = [session.exec(select(Involvement.person_id).where(Involvement.incident_id == incident.id)).first()
               for incident in (incidents[1], incidents[10])]
    kept_person, dropped_person = (session.get(Person, person_id) for person_id in targets)
    merge_people(session, kept_person, dropped_person, user_id=None)
    session.commit()
    assert_kept_equals_recount(session)
    unmerge_people(session, dropped_person, user_id=None)
    session.commit()
    assert_kept_equals_recount(session)
