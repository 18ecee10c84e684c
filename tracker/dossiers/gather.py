"""Assemble one dossier from a case: the subject, their history, the source, relatives, incidents."""
from __future__ import annotations

from sqlmodel import Session, select

from .. import taxonomy
from ..casework.cases import case_incidents, case_people
from ..casework.relatives import current_situation, status_history
from ..models import Case, Intervention, Person, PersonRelationship, ReferralConsent, utcnow
from .content import (
    Dossier, RelativePart, Scrubber, arrest_of, evidence_of, incident_part, person_part, relation_between,
    reports_of, seen_from, status_line, subject_incidents,
)


def gather(session: Session, case: Case, subject: Person, mechanism: str, *, source: Person | None,
           consent: ReferralConsent, redactions: frozenset[str], host_country: str | None,
           marker: str, exclude_step: int | None = None) -> Dossier:
    """Everything the dossier shows, with the chosen redactions applied to names, free text and places
    (``exclude_step``: the intervention this dossier itself opens is not a step already taken)."""
    addresses = "addresses" not in redactions
    scrub, withheld = Scrubber(marker), set()
    others = [person for person, _role in case_people(session, case.id) if person.id != subject.id]
    for person in others:
        is_source = source is not None and person.id == source.id
        if ("source_name" in redactions and is_source) or ("relative_names" in redactions and not is_source):
            withheld.add(person.id)
            scrub.withhold(person)
    dossier = Dossier(mechanism, case.reference, utcnow(), None, redactions,
                      person_part(subject, withheld=False, addresses=addresses))
    _situation(session, dossier, subject, scrub, addresses)
    if source is not None and source.id != subject.id:
        dossier.source = person_part(source, withheld=source.id in withheld, addresses=addresses)
        dossier.source_relation = relation_between(session, subject.id, source.id)
    dossier.relatives = _relatives(session, subject, source, withheld, scrub, addresses)
    _consent(session, dossier, consent, subject, source, withheld, addresses)
    steps = session.exec(select(Intervention).where(Intervention.case_id == case.id, Intervention.id != exclude_step)
                         .order_by(Intervention.intervention_date, Intervention.id)).all()
    dossier.steps = [Intervention(intervention_type=step.intervention_type, intervention_date=step.intervention_date,
                                  description=scrub(step.description), outcome=step.outcome,
                                  outcome_note=scrub(step.outcome_note), case_id=case.id) for step in steps]
    if mechanism == "referral_host_police":
        dossier.host_country = host_country or subject.residence_country
        incidents = [incident for incident in case_incidents(session, case.id)
                     if dossier.host_country and incident.host_country == dossier.host_country]
    else:
        incidents = subject_incidents(session, case, subject, status_history(session, subject.id))
    dossier.incidents = [incident_part(session, incident, scrub, addresses, withheld) for incident in incidents]
    reports = reports_of(session, [incident.id for incident in incidents])
    dossier.affiliations = sorted({scrub(report.perpetrator_affiliation) for report in reports
                                   if report.perpetrator_affiliation})
    if mechanism == "referral_host_police":
        dossier.evidence = evidence_of(session, case.id, [report.id for report in reports])
    return dossier


def _situation(session: Session, dossier: Dossier, subject: Person, scrub: Scrubber, addresses: bool) -> None:
    """The subject's history, the arrest or disappearance, and where each track stands now."""
    history = status_history(session, subject.id)
    dossier.history = [status_line(session, status, scrub, addresses) for status in history]
    dossier.arrest = arrest_of(dossier.history)
    now = current_situation(history)
    by_id = dict(zip((status.id for status in history), dossier.history, strict=True))
    dossier.custody = by_id.get(now["custody"].id) if "custody" in now else None
    dossier.contact = by_id.get(now["contact"].id) if "contact" in now else None


def _relatives(session: Session, subject: Person, source: Person | None, withheld: set[int], scrub: Scrubber,
               addresses: bool) -> list[RelativePart]:
    """The subject's family links (not groups), each with that relative's situation now."""
    links = session.exec(select(PersonRelationship).where(
        (PersonRelationship.person_id == subject.id) | (PersonRelationship.related_person_id == subject.id)
    ).order_by(PersonRelationship.id)).all()
    parts = []
    for link in links:
        if taxonomy.term("relationship_type", link.relationship_type).group == "group":
            continue
        other_id = link.person_id if link.related_person_id == subject.id else link.related_person_id
        other = session.get(Person, other_id)
        if other is None or (source is not None and other.id == source.id):
            continue
        now = current_situation(status_history(session, other.id))
        parts.append(RelativePart(
            person_part(other, withheld=other.id in withheld, addresses=addresses), seen_from(link, subject.id),
            status_line(session, now["custody"], scrub, addresses) if "custody" in now else None,
            status_line(session, now["contact"], scrub, addresses) if "contact" in now else None))
    return parts


def _consent(session: Session, dossier: Dossier, consent: ReferralConsent, subject: Person, source: Person | None,
             withheld: set[int], addresses: bool) -> None:
    """Who gave the consent, as the dossier may name them."""
    dossier.consent = consent
    giver_id = consent.given_by_person_id or subject.id
    if giver_id == subject.id:
        dossier.consent_giver = "self"
        return
    dossier.consent_giver = "source" if source is not None and giver_id == source.id else "relative"
    giver = session.get(Person, giver_id)
    if giver is not None:
        dossier.consent_giver_part = person_part(giver, withheld=giver.id in withheld, addresses=addresses)
