"""Make a referral dossier: check consent, gather, render, record the intervention, audit.

The PDF is returned to the caseworker and not kept: a copy on the server would be one more
place a seized disk gives away the whole case (DESIGN §2). The audit log keeps who made which
dossier for whom, with which redactions, and the PDF's SHA-256, so a copy produced later can be
matched against the one made here; the intervention records the referral and waits for its outcome.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from sqlmodel import Session

from ..audit import record
from ..casework.cases import add_intervention, case_people
from ..casework.errors import Conflict, NotFound
from ..models import Case, Intervention, Person, utcnow
from ..models.inputs import InterventionCreate
from .consent import MECHANISMS, ConsentMissing, consent_in_force
from .content import REDACTIONS
from .gather import gather
from .render import dossier_html


@dataclass(frozen=True)
class DossierRequest:
    """What the caseworker chose: for whom, for which mechanism, from which source, withholding what."""

    subject_id: int
    mechanism: str
    source_id: int | None = None
    redactions: frozenset[str] = frozenset()
    host_country: str | None = None
    language: str = "en"


@dataclass(frozen=True)
class MadeDossier:
    """The PDF and the intervention it opened."""

    pdf: bytes
    intervention: Intervention
    sha256: str
    file_name: str


def make_dossier(session: Session, case: Case, wanted: DossierRequest, *, user_id: int | None,
                 actor: str = "staff") -> MadeDossier:
    """Make the PDF and record the referral; ``ConsentMissing`` (audited) without a consent in force."""
    subject, source = _people(session, case, wanted)
    consent = consent_in_force(session, case.id, subject.id, wanted.mechanism)
    detail = {"person_id": subject.id, "mechanism": wanted.mechanism}
    if consent is None:
        # The refusal is audited too; the caller commits it (the transaction is not rolled back).
        record(session, "dossier.refused", user_id=user_id, actor=actor, object_type="case", object_id=case.id,
               outcome="refused", detail={**detail, "reason": "no_consent"})
        raise ConsentMissing(_l("No consent to this referral is recorded for this person. Record who agreed, "
                                "when and how before making the dossier."))
    intervention = add_intervention(session, case, InterventionCreate(
        intervention_type=wanted.mechanism, intervention_date=utcnow().date(), outcome="pending"), user_id=user_id)
    with force_locale(wanted.language):
        dossier = gather(session, case, subject, wanted.mechanism, source=source, consent=consent,
                         redactions=wanted.redactions, host_country=wanted.host_country, marker=_("[withheld]"),
                         exclude_step=intervention.id)
    dossier.intervention_id = intervention.id
    from .pdf import html_to_pdf  # WeasyPrint loads Pango: only when a dossier is made

    pdf = html_to_pdf(dossier_html(dossier, wanted.language))
    digest = hashlib.sha256(pdf).hexdigest()
    withheld = ", ".join(sorted(wanted.redactions)) or "none"
    intervention.description = (f"Referral dossier for {subject.pseudonym} (consent {consent.id}); withheld: "
                                f"{withheld}; PDF SHA-256 {digest}. The PDF is not kept on the server.")
    session.add(intervention)
    record(session, "dossier.create", user_id=user_id, actor=actor, object_type="case", object_id=case.id,
           detail={**detail, "intervention_id": intervention.id, "consent_id": consent.id,
                   "source_id": source.id if source else None, "redactions": sorted(wanted.redactions),
                   "language": wanted.language, "host_country": dossier.host_country, "pdf_sha256": digest})
    session.flush()
    name = f"{case.reference}-{wanted.mechanism}-{intervention.id}.pdf"
    return MadeDossier(pdf, intervention, digest, name)


def _people(session: Session, case: Case, wanted: DossierRequest) -> tuple[Person, Person | None]:
    """The subject and the source, both people of this case; the source defaults to the primary person."""
    if wanted.mechanism not in MECHANISMS:
        raise Conflict(_l("Choose a referral: the UN Working Group, a UN urgent appeal or the police."))
    unknown = set(wanted.redactions) - set(REDACTIONS)
    if unknown:
        raise Conflict(f"unknown redactions: {', '.join(sorted(unknown))}")
    members = {person.id: person for person, _role in case_people(session, case.id)}
    subject = members.get(wanted.subject_id)
    if subject is None:
        raise NotFound(f"person {wanted.subject_id} in case {case.id}")
    source_id = wanted.source_id if wanted.source_id is not None else case.primary_person_id
    if wanted.source_id is not None and source_id not in members:
        raise NotFound(f"person {source_id} in case {case.id}")
    source = members.get(source_id) if source_id != subject.id else None
    return subject, source
