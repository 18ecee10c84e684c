"""Factories for test data: small functions that make valid rows with sensible defaults."""
from __future__ import annotations

from datetime import date
from functools import cache
from itertools import count

from sqlmodel import Session

from tracker.models import (
    Case, Evidence, Incident, IncidentCode, Person, PersonRelationship, RelativeStatus, Report, ReportCode, User,
)
from tracker import orgkey
from tracker.staff.accounts import new_totp_secret
from tracker.staff.passwords import PROFILES, TEST_ONLY_PROFILE, hash_password

_serial = count(1)
STAFF_PASSWORD = "correct horse battery staple 42"


@cache
def _password_hash(password: str) -> str:
    """One Argon2id hash per test password for the whole run, with the profile the test apps
    use (tests/conftest.py), so signing in costs what the test config says, not 64 MiB."""
    return hash_password(password, profile=TEST_ONLY_PROFILE)


@cache
def _personal_key(password: str) -> tuple[bytes, bytes, bytes]:
    """One key pair per test password for the run (salt, public, wrapped private): deriving the
    wrapping key costs an Argon2id run, like the hash."""
    template = User(email="x", role="caseworker", password_hash="")
    orgkey.provision_personal_key(template, password, PROFILES[TEST_ONLY_PROFILE])
    return template.key_salt, template.key_public, template.key_private_wrapped


def make_user(session: Session, role: str = "caseworker", *, email: str | None = None,
              password: str = STAFF_PASSWORD, granted: bool = True, **fields) -> User:
    """A staff account that has changed its first password and enrolled its TOTP app, and (unless
    ``granted`` is false) holds the test organisation key (tests/conftest.py)."""
    from tests.conftest import TEST_ORG_KID, TEST_ORG_PRIVATE

    fields.setdefault("totp_secret", new_totp_secret())
    fields.setdefault("totp_confirmed", True)
    # Staff of the tests see every community unless a test narrows them (need to know: see
    # tests/casework/test_need_to_know.py).
    fields.setdefault("communities", [] if role == "analyst" else ["*"])
    user = User(email=email or f"{role}{next(_serial)}@example.org", role=role,
                password_hash=_password_hash(password), must_change_password=False, **fields)
    user.key_salt, user.key_public, user.key_private_wrapped = _personal_key(password)
    if granted:
        orgkey.grant(user, TEST_ORG_KID, TEST_ORG_PRIVATE)
    session.add(user)
    session.commit()
    return user


def make_report(session: Session, *, tactics=("coercion_by_proxy",), **fields) -> Report:
    """A submitted report with the given tactics."""
    values = dict(community="uyghur", origin_country="CN", host_country="TR",
                  narrative="Police called my father about my posts.", consent_statistics=True,
                  event_date=date(2024, 3, 1), event_date_precision="month")
    values.update(fields)
    report = Report(**values)
    report.codes = [ReportCode(vocabulary="tactic", code=code) for code in tactics]
    session.add(report)
    session.commit()
    return report


def make_person(session: Session, *, names=None, **fields) -> Person:
    """A person with a unique pseudonym."""
    n = next(_serial)
    person = Person(pseudonym=fields.pop("pseudonym", f"P-TEST-{n}"),
                    names=names if names is not None else [{"name": f"Test Person {n}", "script": "Latn"}],
                    **fields)
    session.add(person)
    session.commit()
    return person


def make_incident(session: Session, *, primary_tactic: str = "coercion_by_proxy", **fields) -> Incident:
    """An incident whose primary tactic is also listed among its tactics."""
    values = dict(community="uyghur", origin_country="CN", host_country="US",
                  start_date=date(2018, 5, 1), start_precision="month", title="Father detained")
    values.update(fields)
    incident = Incident(primary_tactic=primary_tactic, **values)
    incident.codes = [IncidentCode(vocabulary="tactic", code=primary_tactic)]
    session.add(incident)
    session.commit()
    return incident


def make_case(session: Session, **fields) -> Case:
    """A case with a unique reference."""
    case = Case(reference=fields.pop("reference", f"TNR-2026-{next(_serial):04d}"), **fields)
    session.add(case)
    session.commit()
    return case


def make_relative(session: Session, person: Person, relationship_type: str = "parent", **fields):
    """A relative of ``person`` and the relationship between them."""
    relative = make_person(session, residence_country="CN", **fields)
    link = PersonRelationship(person_id=person.id, related_person_id=relative.id,
                              relationship_type=relationship_type)
    session.add(link)
    session.commit()
    return relative, link


def add_status(session: Session, relative: Person, status: str, when: date, **fields) -> RelativeStatus:
    """A dated status of a relative."""
    entry = RelativeStatus(person_id=relative.id, status=status, status_date=when,
                           date_precision=fields.pop("date_precision", "exact"), **fields)
    session.add(entry)
    session.commit()
    return entry


def make_evidence(session: Session, report: Report, data: bytes = b"A plain text note from the reporter.\n",
                  filename: str = "note.txt", *, keep_original: bool = False) -> Evidence:
    """A file checked and sealed into the app's evidence store the way intake stores it (needs an app context)."""
    from tracker.crypto import get_sealer
    from tracker.evidence_store import current_store
    from tracker.intake.evidence import Upload, check_upload, store_evidence

    evidence = store_evidence(check_upload(Upload(filename, data)), store=current_store(), sealer=get_sealer(),
                              keep_original=keep_original)
    evidence.report_id = report.id
    session.add(evidence)
    session.commit()
    return evidence
