"""Two real-shaped cases for dossiers: a Uyghur father held since 2018, whose daughter abroad is
the source, and a Tibetan activist watched and threatened in Switzerland."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.factories import add_status, make_case, make_evidence, make_incident, make_person, make_report, make_user
from tracker.models import CasePerson, IncidentCode, IncidentReport, Intervention, Involvement, PersonRelationship

FATHER = [{"name": "Abdureshit Tohti", "script": "Latn"}, {"name": "ئابدۇرېشىت توختى", "script": "Arab"},
          {"name": "阿不都热西提·托合提", "script": "Hans"}]
DAUGHTER = [{"name": "Mihriban Abdureshit", "script": "Latn"}, {"name": "مىھرىبان ئابدۇرېشىت", "script": "Arab"}]
BROTHER = [{"name": "Ekrem Abdureshit", "script": "Latn"}, {"name": "ئەكرەم ئابدۇرېشىت", "script": "Arab"}]
ACTIVIST = [{"name": "Tenzin Dorjee", "script": "Latn"}, {"name": "བསྟན་འཛིན་རྡོ་རྗེ", "script": "Tibt"},
            {"name": "丹增多傑", "script": "Hant"}]
MOTHER = [{"name": "Pema Lhamo", "script": "Latn"}, {"name": "པདྨ་ལྷ་མོ", "script": "Tibt"}]


@dataclass
class Family:
    """A case and the people in it, by their part."""

    case: object
    subject: object
    source: object
    relative: object


@pytest.fixture
def caseworker(session):
    """A caseworker who sees every community."""
    return make_user(session, "caseworker")


def _link(session, case, *people_roles):
    for person, role in people_roles:
        session.add(CasePerson(case_id=case.id, person_id=person.id, role=role))
    session.commit()


@pytest.fixture
def uyghur_family(session):
    """The daughter in the Netherlands (source), her father held in Kashgar (subject), her brother."""
    daughter = make_person(session, names=DAUGHTER, community="uyghur", residence_country="NL",
                           residence_place="Kerkstraat 12, Amsterdam", citizenships=["NL"])
    father = make_person(session, names=FATHER, community="uyghur", residence_country="CN", birth_year=1957,
                         residence_place="Yengisheher, Kashgar", citizenships=["CN"])
    brother = make_person(session, names=BROTHER, community="uyghur", residence_country="CN", citizenships=["CN"])
    session.add_all([PersonRelationship(person_id=daughter.id, related_person_id=father.id, relationship_type="parent"),
                     PersonRelationship(person_id=father.id, related_person_id=brother.id, relationship_type="child")])
    case = make_case(session, primary_person_id=daughter.id)
    _link(session, case, (daughter, "primary"), (father, "relative"), (brother, "relative"))
    incident = make_incident(session, case_id=case.id, host_country="NL", start_date=date(2018, 3, 1),
                             primary_tactic="coercion_by_proxy",
                             summary="Police in Kashgar took Abdureshit Tohti; Ekrem Abdureshit was told to call "
                                     "Mihriban Abdureshit and tell her to stop speaking.")
    station = make_person(session, names=[{"name": "Yengisheher police station", "script": "Latn"},
                                          {"name": "يېڭىشەھەر ساقچى پونكىتى", "script": "Arab"}], is_group=True)
    session.add_all([Involvement(incident_id=incident.id, person_id=father.id, role="relative_targeted"),
                     Involvement(incident_id=incident.id, person_id=station.id, role="perpetrator",
                                 perpetrator_type="state_security", attribution="likely")])
    report = make_report(session, perpetrator_affiliation="Kashgar Public Security Bureau, Yengisheher station")
    session.add(IncidentReport(incident_id=incident.id, report_id=report.id))
    session.commit()
    add_status(session, father, "detained_administrative", date(2018, 3, 1), date_precision="month",
               place_text="Kashgar city detention centre No. 2, Yengisheher", incident_id=incident.id)
    add_status(session, father, "imprisoned", date(2019, 11, 20), sentence_months=180,
               sentence_court="Kashgar Intermediate People's Court")
    add_status(session, father, "no_proof_of_life", date(2019, 6, 1), date_precision="month")
    session.add(Intervention(case_id=case.id, intervention_type="advocacy_letter", intervention_date=date(2020, 2, 3),
                             description="Letter to the Dutch foreign ministry by Mihriban Abdureshit",
                             outcome="no_response"))
    session.commit()
    return Family(case, father, daughter, brother)


@pytest.fixture
def tibetan_activist(session):
    """A Tibetan activist in Switzerland (subject and source), watched and threatened there; his mother in Lhasa."""
    activist = make_person(session, names=ACTIVIST, community="tibetan", residence_country="CH",
                           residence_place="Rue du Lac 4, Lausanne", citizenships=["CH"], birth_year=1988)
    mother = make_person(session, names=MOTHER, community="tibetan", residence_country="CN", citizenships=["CN"])
    session.add(PersonRelationship(person_id=activist.id, related_person_id=mother.id, relationship_type="parent"))
    case = make_case(session, primary_person_id=activist.id)
    _link(session, case, (activist, "primary"), (mother, "relative"))
    here = make_incident(session, case_id=case.id, community="tibetan", host_country="CH",
                         start_date=date(2024, 9, 14), start_precision="exact",
                         primary_tactic="surveillance_monitoring",
                         summary="Two men photographed Tenzin Dorjee outside the Lausanne vigil; Pema Lhamo was "
                                 "visited the next day.")
    here.codes.append(IncidentCode(vocabulary="channel", code="in_person_public"))
    elsewhere = make_incident(session, case_id=case.id, community="tibetan", host_country="IN",
                              primary_tactic="online_harassment", summary="Messages in Dharamsala")
    report = make_report(session, community="tibetan", host_country="CH")
    session.add_all([IncidentReport(incident_id=here.id, report_id=report.id),
                     Involvement(incident_id=here.id, person_id=activist.id, role="target")])
    session.commit()
    make_evidence(session, report, b"Photo log of the two men, 14 September 2024.\n", "log.txt")
    add_status(session, mother, "questioned", date(2024, 9, 15))
    assert elsewhere.id
    return Family(case, activist, activist, mother)
