"""Retention: a purged case keeps the fact of a referral consent, not its sealed note."""
from __future__ import annotations

from datetime import UTC, date, datetime

from tests.factories import make_case, make_person
from tracker.models import CasePerson, ReferralConsent


def test_a_purged_case_loses_the_consent_note_and_keeps_the_consent(session, runner):
    person = make_person(session)
    case = make_case(session, status="closed", closed_at=datetime(2001, 1, 1, tzinfo=UTC))
    session.add(CasePerson(case_id=case.id, person_id=person.id))
    consent = ReferralConsent(case_id=case.id, person_id=person.id, mechanism="un_wgeid", given_on=date(2000, 6, 1),
                              method="written", note="Signed form kept in the Munich office")
    session.add(consent)
    session.commit()
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    kept = session.get(ReferralConsent, consent.id)
    assert kept.note is None and (kept.mechanism, kept.given_on) == ("un_wgeid", date(2000, 6, 1))
