"""Cases: references, incidents and people, notes, interventions, status and the timeline."""
from datetime import date

import pytest

from tracker.casework.cases import (
    add_intervention, add_note, attach_person, case_people, link_incident_to_case, next_reference, open_case,
    update_case,
)
from tracker.casework.errors import Conflict
from tracker.casework.inputs import CaseUpdate
from tracker.casework.timeline import case_timeline
from tracker.models.inputs import CaseCreate, InterventionCreate
from tests.factories import add_status, make_case, make_incident, make_person, make_relative, make_user


def test_references_count_up_within_a_year(session):
    make_case(session, reference="TNR-2031-00041")
    make_case(session, reference="TNR-2030-00900")
    assert next_reference(session, 2031) == "TNR-2031-00042"
    assert next_reference(session, 2032) == "TNR-2032-00001"


def test_opening_a_case_attaches_its_primary_person(session):
    person = make_person(session)
    case = open_case(session, CaseCreate(title="Family of P", primary_person_id=person.id), user_id=None)
    session.commit()
    assert case.reference.startswith("TNR-")
    assert case_people(session, case.id) == [(person, "primary")]


def test_an_incident_belongs_to_one_case(session):
    first, second = make_case(session), make_case(session)
    incident = make_incident(session)
    link_incident_to_case(session, first, incident, user_id=None)
    link_incident_to_case(session, first, incident, user_id=None)  # idempotent
    with pytest.raises(Conflict):
        link_incident_to_case(session, second, incident, user_id=None)


def test_closing_stamps_the_date_and_reopening_clears_it(session):
    case = make_case(session)
    update_case(session, case, CaseUpdate(status="closed"), user_id=None)
    assert case.closed_at is not None
    update_case(session, case, CaseUpdate(status="monitoring"), user_id=None)
    assert case.closed_at is None
    with pytest.raises(Conflict):
        update_case(session, case, CaseUpdate(assigned_to_id=make_user(session, "admin").id), user_id=None)


def test_the_timeline_orders_incidents_statuses_and_interventions(session):
    son = make_person(session)
    father, link = make_relative(session, son)
    case = make_case(session)
    attach_person(session, case, son, "primary", user_id=None)
    attach_person(session, case, father, "relative", user_id=None)
    incident = make_incident(session, start_date=date(2018, 3, 1))
    link_incident_to_case(session, case, incident, user_id=None)
    add_status(session, father, "detained_administrative", date(2018, 4, 10), incident_id=incident.id)
    add_status(session, father, "imprisoned", date(2019, 9, 1), sentence_months=180)
    add_intervention(session, case, InterventionCreate(intervention_type="un_urgent_appeal",
                                                       intervention_date=date(2019, 1, 15)), user_id=None)
    add_note(session, case, "Called the son.", user_id=None)
    session.commit()
    kinds = [(e.kind, e.code) for e in case_timeline(session, case.id)]
    assert kinds == [("incident", "coercion_by_proxy"), ("status", "detained_administrative"),
                     ("intervention", "un_urgent_appeal"), ("status", "imprisoned")]
