"""Duplicate suggestions and reversible, audited person merges."""
from datetime import date

import pytest
from sqlmodel import select

from tracker.casework import dedup
from tracker.casework.dedup import (
    merge_incidents, merge_people, suggest_duplicate_incidents, suggest_duplicate_people, unmerge_incidents,
    unmerge_people,
)
from tracker.casework.errors import Conflict, InvalidTransition
from tracker.casework.people import create_person, find_people, involve_person
from tracker.models import (
    AuditEvent, CasePerson, IncidentReport, Involvement, Location, PersonRelationship, RelativeStatus,
)
from tracker.models.inputs import PersonCreate
from tests.factories import add_status, make_case, make_incident, make_relative, make_report


def _person(session, *names, **fields):
    return create_person(session, PersonCreate(names=[{"name": n} for n in names], **fields), user_id=None)


def test_people_with_the_same_name_in_two_scripts_are_suggested(session):
    latin = _person(session, "Wang Lei", birth_year=1960, residence_country="CN")
    han = _person(session, "王磊", birth_year=1961, residence_country="CN")
    other = _person(session, "Li Na", birth_year=1960)
    suggestions = suggest_duplicate_people(session, latin)
    assert [s.object_id for s in suggestions] == [han.id]
    assert {"names", "birth_year", "residence_country"} <= set(suggestions[0].reasons)
    assert other.id not in [s.object_id for s in suggestions]


def test_incidents_sharing_a_person_within_a_month_are_suggested(session):
    person = _person(session, "Aziz Tursun")
    first = make_incident(session, start_date=date(2020, 5, 1))
    near = make_incident(session, start_date=date(2020, 5, 20))
    far = make_incident(session, start_date=date(2021, 5, 20))
    for incident in (first, near, far):
        involve_person(session, incident.id, person, "target", user_id=None)
    assert [s.object_id for s in suggest_duplicate_incidents(session, first)] == [near.id]


def test_an_incident_at_the_same_place_is_suggested_however_busy_the_month(session, monkeypatch):
    # Many incidents of the same state in the same month: the one at this place is still found
    # (candidates at the place come through its index, not from the month's first few rows).
    monkeypatch.setattr(dedup, "CANDIDATES", 2)
    place = Location(name="Kashgar", country="CN", status="geocoded")
    session.add(place)
    session.flush()
    first = make_incident(session, start_date=date(2020, 5, 1), location_id=place.id)
    for day in range(1, 20):
        make_incident(session, start_date=date(2020, 5, day), primary_tactic="spyware")
    twin = make_incident(session, start_date=date(2020, 5, 28), location_id=place.id)
    make_incident(session, start_date=date(2020, 5, 28), location_id=place.id, origin_country="ER")
    [suggestion] = suggest_duplicate_incidents(session, first)
    assert suggestion.object_id == twin.id
    assert set(suggestion.reasons) == {"same_place", "same_tactic", "same_host"}


def test_a_merge_moves_everything_and_an_unmerge_puts_it_back(session):
    keep, drop = _person(session, "Wang Lei"), _person(session, "王磊")
    father, _ = make_relative(session, drop)
    status = add_status(session, drop, "questioned", date(2019, 1, 1))
    incident = make_incident(session)
    involve_person(session, incident.id, drop, "target", user_id=None)
    case = make_case(session, primary_person_id=drop.id)
    session.add(CasePerson(case_id=case.id, person_id=drop.id))
    session.commit()

    moved = merge_people(session, keep, drop, user_id=None)
    session.commit()
    assert drop.merged_into_id == keep.id
    assert all(moved[key] for key in ("involvements", "relationships_from", "statuses", "primary_cases", "cases"))
    assert session.get(RelativeStatus, status.id).person_id == keep.id
    assert session.exec(select(PersonRelationship.person_id).where(
        PersonRelationship.related_person_id == father.id)).one() == keep.id
    assert [p.id for p in find_people(session, "王磊")] == [keep.id]  # search resolves the merge

    unmerge_people(session, drop, user_id=None)
    session.commit()
    session.expire_all()
    assert drop.merged_into_id is None
    assert session.get(RelativeStatus, status.id).person_id == drop.id
    assert session.exec(select(Involvement.person_id).where(Involvement.incident_id == incident.id)).one() == drop.id
    assert session.get(CasePerson, (case.id, drop.id)) is not None
    actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("person.merge") == 1 and actions.count("person.unmerge") == 1


def test_a_conflicting_involvement_stays_with_the_merged_person(session):
    keep, drop = _person(session, "A B"), _person(session, "A B")
    incident = make_incident(session)
    involve_person(session, incident.id, keep, "target", user_id=None)
    involve_person(session, incident.id, drop, "target", user_id=None)
    assert merge_people(session, keep, drop, user_id=None)["involvements"] == []
    assert len(session.exec(select(Involvement).where(Involvement.incident_id == incident.id)).all()) == 2


def test_merges_refuse_loops_and_repeats(session):
    a, b = _person(session, "A"), _person(session, "B")
    with pytest.raises(Conflict):
        merge_people(session, a, a, user_id=None)
    merge_people(session, a, b, user_id=None)
    with pytest.raises(InvalidTransition):
        merge_people(session, b, a, user_id=None)
    with pytest.raises(InvalidTransition):
        unmerge_people(session, a, user_id=None)


def test_an_incident_merge_keeps_every_source_and_can_be_undone(session):
    keep, drop = make_incident(session), make_incident(session)
    first, second = make_report(session), make_report(session)
    session.add_all([IncidentReport(incident_id=keep.id, report_id=first.id),
                     IncidentReport(incident_id=drop.id, report_id=second.id)])
    person = _person(session, "Aziz Tursun")
    involve_person(session, drop.id, person, "target", user_id=None)
    status = add_status(session, person, "detained_criminal", date(2020, 1, 1), incident_id=drop.id)

    merge_incidents(session, keep, drop, user_id=None)
    session.commit()
    cited = session.exec(select(IncidentReport.report_id).where(IncidentReport.incident_id == keep.id)).all()
    assert sorted(cited) == sorted([first.id, second.id])
    assert session.exec(select(IncidentReport.report_id).where(IncidentReport.incident_id == drop.id)).all() == [
        second.id]  # the merged incident keeps its own source too
    assert session.get(RelativeStatus, status.id).incident_id == keep.id
    assert suggest_duplicate_incidents(session, keep) == []  # merged incidents are not suggested
    with pytest.raises(InvalidTransition):
        merge_incidents(session, drop, keep, user_id=None)

    unmerge_incidents(session, drop, user_id=None)
    session.commit()
    session.expire_all()
    assert drop.merged_into_id is None
    assert session.exec(select(IncidentReport.report_id).where(IncidentReport.incident_id == keep.id)).all() == [
        first.id]
    assert session.get(RelativeStatus, status.id).incident_id == drop.id
    assert session.exec(select(Involvement.incident_id).where(Involvement.person_id == person.id)).one() == drop.id


def test_sisters_who_share_only_a_family_name_are_not_suggested(session):
    gulshan = _person(session, "Gulshan Abbas", community="uyghur", birth_year=1962, residence_country="CN")
    rushan = _person(session, "Rushan Abbas", community="uyghur", birth_year=1967, residence_country="US")
    han_sister = _person(session, "王娜", community="chinese_dissident")
    han_brother = _person(session, "王磊", community="chinese_dissident")
    assert suggest_duplicate_people(session, gulshan) == []
    assert rushan.id not in [s.object_id for s in suggest_duplicate_people(session, gulshan)]
    assert suggest_duplicate_people(session, han_sister) == [] and suggest_duplicate_people(session, han_brother) == []


@pytest.mark.parametrize(("first", "second", "reading"), [
    ("ئىلھام توختى", "Ilham Tohti", "reading_uy"),
    ("བཀྲ་ཤིས་དབང་ཕྱུག", "Tashi Wangchuk", "reading_bo"),
    ("黎智英", "Lai Chee-ying", "reading_yue"),
    ("Peng Li Fa", "彭立发", "reading_zh"),
])
def test_a_suggestion_says_why_it_was_made(session, first, second, reading):
    one, other = _person(session, first, birth_year=1970), _person(session, second, birth_year=1970)
    [suggestion] = suggest_duplicate_people(session, one)
    assert suggestion.object_id == other.id
    assert suggestion.reasons[:3] == ["names", "same_name", reading] and "birth_year" in suggestion.reasons


def test_a_longer_name_holding_every_part_of_a_shorter_one_is_suggested_less_strongly(session):
    one = _person(session, "Tashi Wangchuk", community="tibetan")
    fuller = _person(session, "Tashi Wangchuk Tsering", community="tibetan")
    same = _person(session, "བཀྲ་ཤིས་དབང་ཕྱུག", community="tibetan")
    suggestions = suggest_duplicate_people(session, one)
    assert [s.object_id for s in suggestions] == [same.id, fuller.id]
    assert suggestions[1].reasons[1] == "all_parts" and suggestions[0].score > suggestions[1].score
