"""Two instances exchange a case and back; a refusing reporter's record never leaves (issue 15 item 3)."""
import json
from datetime import date

import pyrage
import pytest
from sqlmodel import func, select

from tests.exchange.partner_instances import (
    partner_instance, partner_session, partner_user, register_each_other, run,
)
from tests.factories import make_report
from tracker.casework.cases import attach_person, link_incident_to_case, open_case
from tracker.casework.incidents import create_incident
from tracker.casework.people import create_person, involve_person
from tracker.casework.relatives import add_relationship, record_relative_status
from tracker.exchange.package import check_document
from tracker.exchange.partners import open_identity
from tracker.models import (
    AuditEvent, Case, ExchangePackage, Incident, Person, RelativeStatus, ReportedRelative,
)
from tracker.models.inputs import CaseCreate, IncidentCreate, PersonCreate, RelationshipCreate, RelativeStatusCreate

REFUSING_NAME = "Refusing Reporterova"
REFUSING_NARRATIVE = "They came to my mother's flat at night and took her phone."
BOTH_NAME = "Mentioned Twicejan"
partner_app = pytest.fixture(partner_instance)


def person(session, name, community="uyghur"):
    """A person typed by a caseworker, names sealed and indexed."""
    return create_person(session, PersonCreate(names=[{"name": name, "script": "Latn"}], community=community),
                         user_id=None)


def incident_from(session, report, summary):
    """An incident citing one report."""
    return create_incident(session, IncidentCreate(primary_tactic="coercion_by_proxy", community="uyghur",
                                                   origin_country="CN", host_country="TR", summary=summary,
                                                   start_date=date(2024, 3, 14), start_precision="exact"),
                           user_id=None, report_ids=[report.id])


def build_case(session) -> Case:
    """A family's case: one consenting report, one refusing, and a person both speak of."""
    consenting = make_report(session, consent_partners=True, reporter_name="Aynur Sharer",
                             narrative="Police called my father about my posts.")
    refusing = make_report(session, consent_partners=False, reporter_name=REFUSING_NAME, narrative=REFUSING_NARRATIVE)
    shared = incident_from(session, consenting, "Police called her father in Kashgar about her posts.")
    kept = incident_from(session, refusing, REFUSING_NARRATIVE)
    target, father = person(session, "Aynur Sharer"), person(session, "Ablimit Sharer")
    refuser, both = person(session, REFUSING_NAME), person(session, BOTH_NAME)
    involve_person(session, shared.id, target, "target", user_id=None)
    involve_person(session, shared.id, both, "witness", user_id=None)
    involve_person(session, kept.id, refuser, "target", user_id=None)
    involve_person(session, kept.id, both, "witness", user_id=None)
    link = add_relationship(session, RelationshipCreate(person_id=target.id, related_person_id=father.id,
                                                        relationship_type="parent"), user_id=None)
    session.add(ReportedRelative(report_id=consenting.id, relationship_type="parent", person_id=father.id))
    record_relative_status(session, RelativeStatusCreate(
        person_id=father.id, relationship_id=link.id, status="detained_administrative",
        status_date=date(2024, 3, 20), date_precision="exact", incident_id=shared.id), user_id=None)
    case = open_case(session, CaseCreate(primary_person_id=target.id, title="Sharer family"), user_id=None)
    for someone in (father, refuser, both):
        attach_person(session, case, someone, "relative", user_id=None)
    for incident in (shared, kept):
        link_incident_to_case(session, case, incident, user_id=None)
    session.commit()
    return case


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def instances(app, session, partner_app):
    """Org A (``app``) and Org B (``partner_app``), each registered as the other's partner."""
    return register_each_other(app, session, partner_app)


def test_a_case_goes_to_the_partner_and_back_without_the_refusing_reporter(app, session, partner_app, instances,
                                                                             tmp_path):
    case = build_case(session)
    with partner_session(partner_app) as b:
        person(b, "Aynur Sharer")  # Org B already knows her: she must be proposed, not merged
        b.commit()
    package = tmp_path / "to-b.age"
    result = run(app, "exchange", "export", "--case", case.reference, "--to", "Org B", "--redaction", "full",
                 "--output", str(package), "--as", instances["a"])
    assert result.exit_code == 0, result.output
    assert "withheld for lack of consent: 1 incidents, 2 people" in result.output

    with partner_session(partner_app) as b:  # what Org B can read: the whole decrypted package
        plaintext = pyrage.decrypt(package.read_bytes(), [open_identity(b).age_identity])
    text = plaintext.decode("utf-8")
    for secret in (REFUSING_NAME, REFUSING_NARRATIVE, BOTH_NAME, "Reporterova", "mother's flat"):
        assert secret not in text
        assert secret.encode("utf-8") not in plaintext
    document = json.loads(plaintext)
    check_document(document)
    assert "Aynur Sharer" in text and "Ablimit Sharer" in text
    assert document["package"]["source"]["fingerprint"] == instances["card_a"].fingerprint
    assert len(document["package"]["incidents"]) == 1 and len(document["package"]["statuses"]) == 1

    dry = run(partner_app, "exchange", "import", str(package), "--dry-run", "--as", instances["b"])
    assert dry.exit_code == 0, dry.output
    assert "Would import" in dry.output
    with partner_session(partner_app) as b:
        assert count(b, Person) == 1 and count(b, Incident) == 0

    done = run(partner_app, "exchange", "import", str(package), "--as", instances["b"])
    assert done.exit_code == 0, done.output
    assert "1 case, 1 incident, 2 person, 1 relationship, 1 status" in done.output
    assert "Proposed duplicate" in done.output
    again = run(partner_app, "exchange", "import", str(package), "--as", instances["b"])
    assert "imported before: nothing new" in again.output
    with partner_session(partner_app) as b:
        assert count(b, Person) == 3 and count(b, Incident) == 1 and count(b, Case) == 1
        imported = b.exec(select(Person).where(Person.source_partner_id.is_not(None))).all()
        assert sorted(n["name"] for p in imported for n in p.names) == ["Ablimit Sharer", "Aynur Sharer"]
        assert b.exec(select(Incident)).one().source_partner_id is not None
        raw = b.connection().exec_driver_sql("SELECT names FROM person").all()
        assert all(b"Sharer" not in bytes(row[0]) for row in raw)  # sealed like typed data
        actions = set(b.exec(select(AuditEvent.action)).all())
        assert {"exchange.import_preview", "exchange.import", "person.create", "incident.create"} <= actions
        father = next(p for p in imported if p.names[0]["name"] == "Ablimit Sharer")
        record_relative_status(b, RelativeStatusCreate(person_id=father.id, status="released",
                                                       status_date=date(2024, 9, 1), date_precision="month"),
                               user_id=None)
        b.commit()
        reference = b.exec(select(Case.reference)).one()

    back = tmp_path / "to-a.age"
    result = run(partner_app, "exchange", "export", "--case", reference, "--to", "Org A", "--redaction", "full",
                 "--output", str(back), "--as", instances["b"])
    assert result.exit_code == 0, result.output
    returned = run(app, "exchange", "import", str(back), "--as", instances["a"])
    assert returned.exit_code == 0, returned.output
    # Org A's own records came back: known by their exchange ids, not created again; only the new status is new.
    assert "1 status" in returned.output and "Already held here" in returned.output
    assert count(session, Person) == 4 and count(session, Incident) == 2 and count(session, Case) == 1
    assert count(session, RelativeStatus) == 2
    assert count(session, ExchangePackage) == 2  # one sent, one received


def test_a_record_from_a_partner_never_goes_onward(app, session, partner_app, instances, tmp_path):
    case = build_case(session)
    package = tmp_path / "to-b.age"
    run(app, "exchange", "export", "--case", case.reference, "--to", "Org B", "--redaction", "full",
        "--output", str(package), "--as", instances["a"])
    outsider = partner_user(partner_app, "caseworker", communities=["tibetan"])  # need to know on import
    refused = run(partner_app, "exchange", "import", str(package), "--as", outsider)
    assert refused.exit_code != 0 and "outside your access" in refused.output
    assert run(partner_app, "exchange", "import", str(package), "--as", instances["b"]).exit_code == 0
    third = str(pyrage.x25519.Identity.generate().to_public())
    run(partner_app, "exchange", "partner", "add", "Org C", "--recipient", third, "--as", instances["admin_b"])
    with partner_session(partner_app) as b:
        reference = b.exec(select(Case.reference)).one()
    onward = run(partner_app, "exchange", "export", "--case", reference, "--to", "Org C",
                 "--output", str(tmp_path / "to-c.age"), "--as", instances["b"])
    assert onward.exit_code != 0 and "nothing in this choice may be shared" in onward.output
    assert not (tmp_path / "to-c.age").exists()
