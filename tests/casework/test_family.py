"""Relatives flow from a report into casework (issue 12 item 1), in the domain layer."""
from datetime import date

import pytest
from sqlmodel import select

from tracker.analytics.statistics import relative_counts
from tracker.analytics.tables import relative_table
from tracker.casework.family import accept_with_family, apply_update, proposed_family, proposed_updates
from tracker.casework.relatives import current_situation, relationships_of, status_history
from tracker.models import Case, Involvement, Report, ReportedRelative
from tracker.models.inputs import IncidentCreate, PersonCreate
from tests.factories import make_person, make_report, make_user


def _report_with_relatives(session):
    report = make_report(session, community="uyghur", origin_country="CN", host_country="US",
                         reporter_name="Rushan", submitter_role="self")
    session.add_all([
        ReportedRelative(report_id=report.id, relationship_type="sibling", residence_country="CN", in_retaliation="yes",
                         statuses=[{"status": "detained_administrative", "date": "2018-09-11", "precision": "exact"},
                                   {"status": "imprisoned", "date": "2019-03-01", "precision": "month",
                                    "sentence_months": 240}]),
        ReportedRelative(report_id=report.id, relationship_type="parent", statuses=[
            {"status": "questioned", "date": "2018-01-01", "precision": "year"}]),
        ReportedRelative(report_id=report.id, relationship_type="child", statuses=[]),
    ])
    session.commit()
    return report


def test_accepting_the_proposal_as_is_imports_every_relative_and_the_statistics_count_them(session):
    caseworker = make_user(session)
    report = _report_with_relatives(session)
    plan = proposed_family(session, report)
    assert [r.relationship_type for r in plan.relatives] == ["sibling", "parent", "child"]
    assert plan.relatives[0].statuses[1].sentence_months == 240
    incident, family = accept_with_family(session, report, IncidentCreate(primary_tactic="coercion_by_proxy",
                                          origin_country="CN", start_date=date(2018, 9, 1), start_precision="month"),
                                          plan, user_id=caseworker.id)
    session.commit()

    assert report.status == "accepted" and family.case is not None
    assert len(family.relatives) == 3
    sister = family.relatives[0]
    assert [(s.status, s.status_date, s.in_retaliation, s.incident_id) for s in status_history(session, sister.id)] == [
        ("detained_administrative", date(2018, 9, 11), "yes", incident.id),
        ("imprisoned", date(2019, 3, 1), "yes", incident.id)]
    assert status_history(session, sister.id)[1].sentence_months == 240
    [link] = [r for r in relationships_of(session, family.target.id) if r.related_person_id == sister.id]
    assert link.relationship_type == "sibling"
    roles = {(i.person_id, i.role) for i in session.exec(
        select(Involvement).where(Involvement.incident_id == incident.id))}
    assert (family.target.id, "target") in roles and (sister.id, "relative_targeted") in roles
    assert session.get(Case, family.case.id).primary_person_id == family.target.id
    # The analysts' relatives table counts them with no further call.
    counts = relative_counts(session, ["status_group"])
    assert counts.cells[("detention",)] == 1 and counts.cells[("pressure",)] == 1
    detained = relative_counts(session, ["status"], group="detention", retaliation_only=True)
    assert detained.total == 1


def test_a_proposal_can_link_an_existing_person_and_skip_one(session):
    report = _report_with_relatives(session)
    existing_father = make_person(session)
    plan = proposed_family(session, report)
    plan.relatives[1].existing_id = existing_father.id
    plan.relatives[2].skip = True
    plan.relatives[0].person = PersonCreate(names=[{"name": "Gulshan Abbas"}])
    _incident, family = accept_with_family(session, report, IncidentCreate(primary_tactic="coercion_by_proxy"),
                                           plan, user_id=None)
    assert [p.id for p in family.relatives][1] == existing_father.id and len(family.relatives) == 2
    assert family.relatives[0].names == [{"name": "Gulshan Abbas", "script": "Latn"}]


def test_a_later_addition_about_a_relative_is_a_proposed_update_on_that_person(session):
    report = _report_with_relatives(session)
    incident, family = accept_with_family(session, report, IncidentCreate(primary_tactic="coercion_by_proxy"),
                                          proposed_family(session, report), user_id=None)
    addition = Report(follow_up_of_id=report.id, consent_statistics=True)
    session.add(addition)
    session.flush()
    session.add(ReportedRelative(report_id=addition.id, relationship_type="sibling", in_retaliation="yes", statuses=[
        {"status": "imprisoned", "date": "2019-03-01", "precision": "month"},
        {"status": "no_proof_of_life", "date": "2020-06-01", "precision": "month"}]))
    session.commit()

    [update] = proposed_updates(session, report)
    assert update.person.id == family.relatives[0].id
    assert [s.status for s in update.proposal.statuses] == ["no_proof_of_life"]
    apply_update(session, update, incident.id, user_id=None)
    history = status_history(session, update.person.id)
    situation = current_situation(history)
    assert situation["custody"].status == "imprisoned" and situation["contact"].status == "no_proof_of_life"
    assert proposed_updates(session, report) == []


@pytest.fixture
def app_config() -> dict:
    """A small publication threshold, so one family's three relatives make a published cell."""
    return {"SUPPRESSION_THRESHOLD": 3}


def test_seed_scenario_the_published_relatives_table_counts_an_accepted_report_with_no_further_call(session):
    """The analysts' table is read (its counts kept), a report is accepted as proposed, and the
    next read counts the three relatives detained in retaliation: no refresh, no extra call."""
    before = relative_table(session, ["status_group"], group="detention", retaliation_only=True)
    assert not before.cells and not before.total
    report = make_report(session, community="uyghur", origin_country="CN", host_country="US")
    session.add_all([ReportedRelative(report_id=report.id, relationship_type=kind, in_retaliation="yes", statuses=[
        {"status": "detained_administrative", "date": "2018-09-01", "precision": "month"}])
        for kind in ("parent", "sibling", "spouse_partner")])
    session.commit()
    accept_with_family(session, report, IncidentCreate(primary_tactic="coercion_by_proxy", origin_country="CN"),
                       proposed_family(session, report), user_id=None)
    session.commit()
    after = relative_table(session, ["status_group"], group="detention", retaliation_only=True)
    assert after.total == 3
    assert {cell.key: cell.count for cell in after.cells} == {("detention",): 3}


def test_someone_reporting_for_a_relative_is_proposed_as_the_reporter_and_relatives_can_be_theirs(session):
    report = make_report(session, submitter_role="relative", reporter_name="Bahram")
    session.add(ReportedRelative(report_id=report.id, relationship_type="parent", statuses=[
        {"status": "detained_administrative", "date": "2018-01-01", "precision": "year"}]))
    session.commit()
    plan = proposed_family(session, report)
    assert plan.target.person.names == [] and plan.reporter.person.names[0].name == "Bahram"
    plan.relatives[0].related_to = "reporter"
    _incident, family = accept_with_family(session, report, IncidentCreate(primary_tactic="coercion_by_proxy"),
                                           plan, user_id=None)
    [link] = relationships_of(session, family.relatives[0].id)
    assert (link.person_id, link.relationship_type) == (family.reporter.id, "parent")
    assert family.reporter.id != family.target.id
