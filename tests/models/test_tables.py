"""Every table can be written and read back, with its relationships and constraints."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from tracker.models import (
    ApiToken, CaseNote, CasePerson, CustodyEvent, Evidence, GeocodeCache, IncidentLink, IncidentReport,
    Intervention, Involvement, Location, Message, Person, PersonNameToken, RecoveryCode, RelativeStatus,
    Report, ReportedRelative, StaffSession,
)

from ..factories import add_status, make_case, make_incident, make_person, make_relative, make_report, make_user


def test_a_report_keeps_relatives_evidence_and_messages(session):
    report = make_report(session)
    session.add(ReportedRelative(report_id=report.id, relationship_type="parent", residence_country="CN",
                                 residence_place="Kashgar", in_retaliation="yes",
                                 statuses=[{"status": "detained_administrative", "date": "2018-04-01",
                                            "precision": "month"}]))
    evidence = Evidence(report_id=report.id, sha256="0" * 64, mime_type="image/jpeg", size=10,
                        stored_name="abc", original_filename="IMG_0001.jpg")
    session.add(evidence)
    session.add(Message(report_id=report.id, direction="to_reporter", body="Is your father still detained?"))
    session.commit()
    session.add(CustodyEvent(evidence_id=evidence.id, action="received"))
    session.commit()
    session.expire_all()
    loaded = session.get(Report, report.id)
    assert loaded.relatives[0].residence_place == "Kashgar"
    assert loaded.evidence[0].original_filename == "IMG_0001.jpg"
    assert loaded.evidence[0].custody[0].action == "received"
    assert loaded.messages[0].body.startswith("Is your father")


def test_deleting_a_report_removes_what_hangs_off_it(session):
    report = make_report(session)
    session.add(Message(report_id=report.id, direction="from_reporter", body="hello"))
    session.add(ReportedRelative(report_id=report.id, relationship_type="sibling"))
    session.commit()
    session.delete(report)
    session.commit()
    assert session.exec(select(Message)).all() == []
    assert session.exec(select(ReportedRelative)).all() == []


def test_incident_links_reports_people_and_other_incidents(session):
    report = make_report(session)
    first, second = make_incident(session), make_incident(session, primary_tactic="spyware")
    person = make_person(session)
    session.add(IncidentReport(incident_id=first.id, report_id=report.id))
    session.add(IncidentReport(incident_id=second.id, report_id=report.id))  # one report, two incidents
    session.add(IncidentLink(from_incident_id=first.id, to_incident_id=second.id, link_type="caused"))
    session.add(Involvement(incident_id=first.id, person_id=person.id, role="target", perpetrator_type=None))
    session.commit()
    assert len(session.exec(select(IncidentReport).where(IncidentReport.report_id == report.id)).all()) == 2
    session.add(Involvement(incident_id=first.id, person_id=person.id, role="target"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_relative_statuses_form_a_dated_series_linked_to_the_incident(session):
    son = make_person(session, community="uyghur", residence_country="US")
    father, link = make_relative(session, son, "parent")
    incident = make_incident(session)
    add_status(session, father, "detained_administrative", date(2018, 4, 1), relationship_id=link.id,
               in_retaliation="yes", incident_id=incident.id, place_text="Kashgar")
    add_status(session, father, "imprisoned", date(2019, 11, 1), relationship_id=link.id,
               in_retaliation="yes", incident_id=incident.id, sentence_months=180)
    series = session.exec(select(RelativeStatus).where(RelativeStatus.person_id == father.id)
                          .order_by(RelativeStatus.status_date)).all()
    assert [s.status for s in series] == ["detained_administrative", "imprisoned"]
    assert series[0].place_text == "Kashgar" and series[1].sentence_months == 180


def test_cases_hold_people_notes_and_interventions(session):
    user = make_user(session)
    person = make_person(session)
    case = make_case(session, title="Family of a journalist", primary_person_id=person.id, assigned_to_id=user.id)
    session.add(CasePerson(case_id=case.id, person_id=person.id, role="primary"))
    session.add(CaseNote(case_id=case.id, author_id=user.id, body="Spoke with the family lawyer."))
    session.add(Intervention(case_id=case.id, intervention_type="un_urgent_appeal", outcome="pending",
                             description="Urgent appeal to the WGEID"))
    session.commit()
    session.expire_all()
    assert session.exec(select(CaseNote)).one().body == "Spoke with the family lawyer."
    assert session.exec(select(Intervention)).one().description.startswith("Urgent appeal")
    with pytest.raises(IntegrityError):
        make_case(session, reference=case.reference)


def test_staff_side_tables(session):
    user = make_user(session, "admin", totp_secret="JBSWY3DPEHPK3PXP")
    session.add(StaffSession(id="d" * 64, user_id=user.id))
    session.add(RecoveryCode(user_id=user.id, code_digest="e" * 64))
    session.add(ApiToken(user_id=user.id, name="scripts", token_digest="f" * 64))
    session.commit()
    session.expire_all()
    assert session.get(type(user), user.id).totp_secret == "JBSWY3DPEHPK3PXP"


def test_places_names_and_cache(session):
    location = Location(raw_text="Ghulja, Xinjiang", country_hint="CN")
    session.add(location)
    person = make_person(session)
    session.add(PersonNameToken(person_id=person.id, digest="a" * 64))
    session.add(GeocodeCache(provider="nominatim", query_digest="b" * 64, result={"lat": 43.9}))
    session.commit()
    session.expire_all()
    assert session.get(Location, location.id).status == "pending"
    assert session.exec(select(GeocodeCache)).one().result == {"lat": 43.9}
    assert session.get(Person, person.id).names[0]["script"] == "Latn"
