"""Referral consent: record it, withdraw it, and require it before a dossier is made.

A referral names a person to a UN working group or to the police: nothing goes without a dated
consent recorded for that person and that mechanism (issue 15 item 4). ``Report.consent_partners``
is not enough: it covers partner organisations, has no date and no giver, and cannot be withdrawn.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..audit import record
from ..casework.cases import case_people
from ..casework.errors import Conflict, NotFound
from ..models import Case, Person, ReferralConsent, utcnow

# The referrals a dossier can be made for, as intervention_type codes (one vocabulary for both).
MECHANISMS = ("un_wgeid", "un_urgent_appeal", "referral_host_police")
METHODS = {
    "written": _l("Signed in writing"),
    "oral": _l("Given orally to a caseworker, who noted it"),
    "message": _l("Sent in a message (secure messenger, e-mail)"),
}


class ConsentMissing(Conflict):
    """No consent in force for this person and mechanism: the dossier is refused."""


def record_consent(session: Session, case: Case, person: Person, mechanism: str, *, given_by: Person | None,
                   given_on: date, method: str, note: str | None, user_id: int | None) -> ReferralConsent:
    """Record that ``given_by`` (the person, or a relative for them) agreed to this referral."""
    if mechanism not in MECHANISMS:
        raise Conflict("not a referral mechanism")
    if method not in METHODS:
        raise Conflict("say how the consent was given")
    if given_on > utcnow().date():
        raise Conflict("a consent cannot be dated in the future")
    members = {member.id for member, _role in case_people(session, case.id)}
    if person.id not in members or (given_by is not None and given_by.id not in members):
        raise NotFound("person not in this case")
    consent = ReferralConsent(case_id=case.id, person_id=person.id, mechanism=mechanism, method=method,
                              given_by_person_id=given_by.id if given_by else person.id, given_on=given_on,
                              note=note or None, recorded_by_id=user_id)
    session.add(consent)
    session.flush()
    record(session, "referral_consent.create", user_id=user_id, object_type="case", object_id=case.id,
           detail={"consent_id": consent.id, "person_id": person.id, "mechanism": mechanism, "method": method})
    return consent


def withdraw_consent(session: Session, case: Case, consent_id: int, *, user_id: int | None) -> ReferralConsent:
    """Mark a consent withdrawn (kept, so the record shows it once existed and when it ended)."""
    consent = session.get(ReferralConsent, consent_id)
    if consent is None or consent.case_id != case.id:
        raise NotFound(f"consent {consent_id}")
    if consent.withdrawn_at is None:
        consent.withdrawn_at, consent.withdrawn_by_id = utcnow(), user_id
        session.add(consent)
        session.flush()
        record(session, "referral_consent.withdraw", user_id=user_id, object_type="case", object_id=case.id,
               detail={"consent_id": consent.id, "person_id": consent.person_id, "mechanism": consent.mechanism})
    return consent


def consents_of(session: Session, case_id: int) -> list[ReferralConsent]:
    """Every consent recorded in a case, withdrawn ones included, oldest first."""
    return list(session.exec(select(ReferralConsent).where(ReferralConsent.case_id == case_id)
                             .order_by(ReferralConsent.id)).all())


def consent_in_force(session: Session, case_id: int, person_id: int, mechanism: str) -> ReferralConsent | None:
    """The latest consent not withdrawn for this person and mechanism, or None."""
    return session.exec(select(ReferralConsent).where(
        ReferralConsent.case_id == case_id, ReferralConsent.person_id == person_id,
        ReferralConsent.mechanism == mechanism, ReferralConsent.withdrawn_at.is_(None),
    ).order_by(ReferralConsent.given_on.desc(), ReferralConsent.id.desc()).limit(1)).first()
