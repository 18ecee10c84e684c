"""The package format: redaction profiles, the schema, and packages refused on import."""
import copy
import json
import os

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import func, select

from tests.exchange.test_partner_exchange import BOTH_NAME, REFUSING_NAME, build_case, person
from tracker.casework.incidents import create_incident
from tracker.casework.people import involve_person
from tracker.exchange.package import PackageRefused, check_document, open_package, seal_package
from tracker.exchange.package_export import export_for_partner, initials
from tracker.exchange.package_import import import_package
from tracker.exchange.partners import (
    ExchangeError, OpenIdentity, add_partner, deactivate_partner, encode_key, ensure_identity, fingerprint,
    open_identity, partner_named,
)
from tracker.models import Person
from tracker.models.inputs import IncidentCreate


def fake_partner(session, name="Org P", register=True) -> OpenIdentity:
    """Another organisation's keys, held by the test, registered here unless told otherwise."""
    age_identity, signing = pyrage.x25519.Identity.generate(), Ed25519PrivateKey.generate()
    partner = OpenIdentity(name, str(age_identity.to_public()), age_identity, signing)
    if register:
        add_partner(session, name, partner.age_recipient, encode_key(partner.signing_public), user_id=None)
    session.commit()
    return partner


@pytest.fixture
def ours(session):
    """This instance's identity and a registered partner holding its own keys."""
    ensure_identity(session, "Org A", user_id=None)
    return fake_partner(session)


def exported(session, partner: OpenIdentity, redaction: str, case) -> dict:
    """What the partner reads after this instance exports the case to it."""
    result = export_for_partner(session, partner_named(session, partner.organisation), case_id=case.id,
                                redaction=redaction, user_id=None)
    document = json.loads(pyrage.decrypt(result.data, [partner.age_identity]))
    check_document(document)
    return document["package"]


def test_each_redaction_profile_keeps_what_it_says(session, ours):
    case = build_case(session)
    full, initial, codes = (exported(session, ours, profile, case) for profile in
                            ("full", "names-initials", "codes-only"))
    text = {name: json.dumps(package, ensure_ascii=False) for name, package in
            (("full", full), ("initials", initial), ("codes", codes))}
    assert "Aynur Sharer" in text["full"] and "Kashgar" in text["full"]
    assert "Aynur" not in text["initials"] and "Kashgar" not in text["initials"]
    assert sorted(i for p in initial["people"] for i in p["initials"]) == ["A. S.", "A. S."]
    first = initial["incidents"][0]
    assert (first["start_date"], first["start_precision"]) == ("2024-03-01", "month")
    assert "Aynur" not in text["codes"] and all(not p["initials"] and not p["names"] for p in codes["people"])
    assert codes["incidents"][0]["start_date"] == "2024-01-01" and codes["statuses"][0]["date_precision"] == "year"
    for package in (full, initial, codes):
        assert REFUSING_NAME not in json.dumps(package) and BOTH_NAME not in json.dumps(package)
    # The same records keep their exchange ids from one package to the next.
    assert [p["uid"] for p in full["people"]] == [p["uid"] for p in codes["people"]]


def test_initials_come_from_any_script():
    assert initials("Abdukerim Testjan") == "A. T."
    assert initials("ئابدۇكېرىم") == "A."


def test_records_with_no_report_never_leave(session, ours):
    typed = create_incident(session, IncidentCreate(primary_tactic="assault", community="uyghur"), user_id=None)
    involve_person(session, typed.id, person(session, "Typed Withoutreport"), "target", user_id=None)
    with pytest.raises(ExchangeError, match="nothing in this choice may be shared"):
        export_for_partner(session, partner_named(session, "Org P"), incident_ids=[typed.id], user_id=None)


def signed_by(partner: OpenIdentity, package: dict, to: str) -> bytes:
    """The package as the partner would send it, encrypted to ``to``."""
    return seal_package(package, partner, to)


def from_partner(session, ours: OpenIdentity, case) -> dict:
    """A valid package from the partner to this instance (the records of our own export, re-addressed)."""
    package = exported(session, ours, "full", case)
    me = open_identity(session)
    package["source"] = {"organisation": ours.organisation, "age_recipient": ours.age_recipient,
                         "fingerprint": fingerprint(ours.signing_public)}
    package["recipient"] = {"organisation": "Org A", "age_recipient": me.age_recipient}
    package["package_id"] = os.urandom(16).hex()
    return package


def test_a_valid_package_from_a_registered_partner_opens(session, ours):
    package = from_partner(session, ours, build_case(session))
    opened = open_package(session, signed_by(ours, package, open_identity(session).age_recipient))
    assert opened.partner.name == "Org P" and opened.package == package


def test_an_altered_package_is_refused(session, ours):
    package = from_partner(session, ours, build_case(session))
    document_bytes = signed_by(ours, package, ours.age_recipient)
    document = json.loads(pyrage.decrypt(document_bytes, [ours.age_identity]))
    document["package"]["people"][0]["names"] = [{"name": "Planted Name", "script": "Latn"}]
    altered = pyrage.encrypt(json.dumps(document).encode(), [pyrage.x25519.Recipient.from_str(
        open_identity(session).age_recipient)])
    with pytest.raises(PackageRefused, match="signature does not verify"):
        open_package(session, altered)


def test_a_package_made_for_someone_else_is_refused(session, ours):
    package = from_partner(session, ours, build_case(session))
    package["recipient"]["age_recipient"] = str(pyrage.x25519.Identity.generate().to_public())
    with pytest.raises(PackageRefused, match="made for another organisation"):
        open_package(session, signed_by(ours, package, open_identity(session).age_recipient))


def test_an_unknown_signer_is_refused(session, ours):
    package = from_partner(session, ours, build_case(session))
    stranger = fake_partner(session, "Org X", register=False)
    package["source"]["fingerprint"] = fingerprint(stranger.signing_public)
    with pytest.raises(PackageRefused, match="not registered here"):
        open_package(session, signed_by(stranger, package, open_identity(session).age_recipient))


def test_a_document_breaking_the_schema_is_refused(session, ours):
    package = from_partner(session, ours, build_case(session))
    broken = copy.deepcopy(package)
    del broken["statuses"]
    with pytest.raises(PackageRefused, match="not a version 1 package"):
        seal_package(broken, ours, open_identity(session).age_recipient)
    broken = copy.deepcopy(package)
    broken["people"][0]["uid"] = "../../etc"
    with pytest.raises(PackageRefused, match="people/0/uid"):
        check_document({"package": broken, "signature": {"algorithm": "ed25519", "public_key": "A" * 43,
                                                        "value": "A" * 86}})


def test_a_file_not_encrypted_to_us_is_refused(session, ours):
    with pytest.raises(PackageRefused, match="not a package encrypted to this organisation"):
        open_package(session, pyrage.encrypt(b"{}", [pyrage.x25519.Recipient.from_str(ours.age_recipient)]))
    with pytest.raises(PackageRefused):
        open_package(session, b"age-encryption.org/v1\nnonsense")


def renamed(package: dict) -> dict:
    """The package with every exchange id replaced by a fresh one (records this instance never saw)."""
    text = json.dumps(package)
    for uid in {r["uid"] for kind in ("people", "incidents", "relationships", "statuses") for r in package[kind]} | {
            package["case"]["uid"]}:
        text = text.replace(uid, os.urandom(16).hex())
    return json.loads(text)


def test_people_known_here_are_proposed_as_duplicates_not_merged(session, ours):
    package = renamed(from_partner(session, ours, build_case(session)))
    me = open_identity(session).age_recipient
    outcome = import_package(session, open_package(session, signed_by(ours, package, me)), user_id=None)
    assert outcome.created["person"] == 2 and {old for _new, old in outcome.duplicates} <= {
        p.pseudonym for p in session.exec(select(Person).where(Person.source_partner_id.is_(None)))}
    assert len(outcome.duplicates) == 2  # Aynur and Ablimit Sharer, already here
    assert all(p.merged_into_id is None for p in session.exec(select(Person)))


@pytest.mark.parametrize("damage, reason", [
    (lambda p: p["people"][1].update(uid=p["people"][0]["uid"]), "two records under one exchange id"),
    (lambda p: p["statuses"][0].update(person=os.urandom(16).hex()), "refers to a record it does not hold"),
    (lambda p: p["incidents"][0].update(primary_tactic="not_a_tactic"), "cannot be stored here"),
])
def test_a_package_whose_records_do_not_hold_together_is_refused_whole(session, ours, damage, reason):
    package = renamed(from_partner(session, ours, build_case(session)))
    damage(package)
    people = session.exec(select(func.count()).select_from(Person)).one()
    opened = open_package(session, signed_by(ours, package, open_identity(session).age_recipient))
    with pytest.raises(PackageRefused, match=reason):
        import_package(session, opened, user_id=None)
    assert session.exec(select(func.count()).select_from(Person)).one() == people


def test_a_deactivated_partners_packages_are_refused(session, ours):
    package = from_partner(session, ours, build_case(session))
    deactivate_partner(session, partner_named(session, "Org P"), user_id=None)
    session.commit()
    with pytest.raises(PackageRefused, match="not registered here"):
        open_package(session, signed_by(ours, package, open_identity(session).age_recipient))



def test_the_identity_command_says_what_is_missing(app, runner):
    assert "name this organisation first" in runner.invoke(args=["exchange", "identity"]).output
    app.extensions["tracker.sealer"].use_organisation_key_source(lambda: None)  # before `keys init`
    result = runner.invoke(args=["exchange", "identity", "--organisation", "Org A"])
    assert result.exit_code == 1 and "keys init" in result.output
