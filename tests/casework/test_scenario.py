"""The seed scenario end to end in the domain layer: a report becomes an incident, a case, and a
father's detention in retaliation that the statistics question then counts."""
from datetime import date

from tracker.casework.cases import attach_person, link_incident_to_case, open_case
from tracker.casework.people import create_person, involve_person
from tracker.casework.queries import DetentionCount, relatives_detained_in_retaliation
from tracker.casework.relatives import add_relationship, record_relative_status, status_history
from tracker.casework.triage import accept_report_as_incidents, incident_draft
from tracker.models import IncidentReport
from tracker.models.inputs import CaseCreate, IncidentCreate, PersonCreate, RelationshipCreate, RelativeStatusCreate
from tests.factories import add_status, make_incident, make_relative, make_report, make_user


def test_a_father_detained_in_retaliation_is_counted_by_year_and_state(session):
    caseworker = make_user(session)
    report = make_report(session, community="uyghur", origin_country="CN", host_country="US",
                         narrative="State security detained my father in Kashgar because of my reporting.")
    draft = incident_draft(report) | {"primary_tactic": "coercion_by_proxy", "start_date": date(2018, 4, 1),
                                      "start_precision": "month"}
    [incident] = accept_report_as_incidents(session, report, [IncidentCreate.model_validate(draft)],
                                            user_id=caseworker.id)
    son = create_person(session, PersonCreate(names=[{"name": "Erkin Yasin"}], target_types=["journalist"],
                                              residence_country="US", community="uyghur"), user_id=caseworker.id)
    father = create_person(session, PersonCreate(names=[{"name": "ياسىن", "script": "Arab"}],
                                                 residence_country="CN", residence_place="Kashgar"),
                           user_id=caseworker.id)
    involve_person(session, incident.id, son, "target", user_id=caseworker.id)
    involve_person(session, incident.id, father, "relative_targeted", user_id=caseworker.id)
    link = add_relationship(session, RelationshipCreate(person_id=son.id, related_person_id=father.id,
                                                        relationship_type="parent"), user_id=caseworker.id)
    case = open_case(session, CaseCreate(title="Yasin family", primary_person_id=son.id,
                                         assigned_to_id=caseworker.id), user_id=caseworker.id)
    link_incident_to_case(session, case, incident, user_id=caseworker.id)
    attach_person(session, case, father, "relative", user_id=caseworker.id)
    for status, when, precision, extra in (
        ("detained_administrative", date(2018, 4, 12), "exact", {"place_text": "Kashgar"}),
        ("imprisoned", date(2019, 11, 1), "month", {"sentence_months": 180}),
        ("contact_lost", None, "unknown", {"notes": "No proof of life since the sentence."}),
    ):
        record_relative_status(session, RelativeStatusCreate(
            person_id=father.id, relationship_id=link.id, status=status, status_date=when, date_precision=precision,
            in_retaliation="yes", incident_id=incident.id, source="the son's report", **extra), user_id=caseworker.id)
    session.commit()

    assert [s.status for s in status_history(session, father.id)] == [
        "detained_administrative", "imprisoned", "contact_lost"]
    assert relatives_detained_in_retaliation(session) == [DetentionCount(2018, "CN", 1), DetentionCount(2019, "CN", 1)]


def test_the_count_leaves_out_what_is_not_retaliation_or_not_a_relative(session):
    diaspora = make_report(session)
    incident = make_incident(session, origin_country="ER")
    accept_report_as_incidents(session, diaspora, [IncidentCreate(primary_tactic="other")], user_id=None)
    session.add(IncidentReport(incident_id=incident.id, report_id=diaspora.id))
    son = create_person(session, PersonCreate(), user_id=None)
    mother, _ = make_relative(session, son)
    brother, _ = make_relative(session, son, "sibling")
    stranger = create_person(session, PersonCreate(), user_id=None)
    add_status(session, mother, "imprisoned", date(2020, 2, 2), incident_id=incident.id, in_retaliation="likely")
    add_status(session, mother, "detained_criminal", date(2020, 8, 2), incident_id=incident.id, in_retaliation="yes")
    add_status(session, brother, "detained_criminal", date(2020, 8, 2), incident_id=incident.id, in_retaliation="no")
    add_status(session, brother, "questioned", date(2020, 8, 2), incident_id=incident.id, in_retaliation="yes")
    add_status(session, stranger, "imprisoned", date(2020, 8, 2), incident_id=incident.id, in_retaliation="yes")
    assert relatives_detained_in_retaliation(session) == [DetentionCount(2020, "ER", 1)]
