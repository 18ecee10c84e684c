"""Exporting a case or incidents for a partner: choose, keep what consent allows, redact, seal, audit."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from anyascii import anyascii
from sqlmodel import Session, select

from ..audit import record
from ..casework.cases import case_incidents, case_people, get_case
from ..casework.errors import NotFound
from ..casework.need_to_know import visible
from ..models import (
    Case, ExchangePackage, ExchangeRecord, Incident, Involvement, Partner, Person, PersonRelationship, RelativeStatus,
    utcnow,
)
from .consent import incident_consents, may_share, person_consents
from .package import CONSENT_RULE, FORMAT, REDACTIONS, SCHEMA_VERSION, seal_package
from .partners import ExchangeError, fingerprint, open_identity
from .importer import file_digest
from ..names.alphabets import uyghur_latin
from ..names.readings import chunks, script_of

# How far each profile coarsens dates: a day can single out a person where a month cannot.
DATE_GRAIN = {"full": None, "names-initials": "month", "codes-only": "year"}
FINER = {"month": ("exact", "estimate"), "year": ("exact", "estimate", "month")}


@dataclass
class Export:
    """A sealed package and what went into it (ids for the audit log, counts for the person exporting)."""

    package_id: str
    data: bytes
    counts: dict[str, int] = field(default_factory=dict)


def export_for_partner(session: Session, partner: Partner, *, case_id: int | None = None,
                       incident_ids: list[int] | None = None, redaction: str = "full",
                       user_id: int | None) -> Export:
    """Build, sign, encrypt and audit a package of a case or of incidents for one partner.

    Chosen records outside the asker's communities are NotFound (need to know); records whose
    reporters did not consent are left out (tracker.exchange.consent).
    """
    if redaction not in REDACTIONS:
        raise ExchangeError(f"unknown redaction profile {redaction!r}; one of {', '.join(REDACTIONS)}")
    case = get_case(session, case_id) if case_id is not None else None
    incidents = case_incidents(session, case.id) if case else _chosen_incidents(session, incident_ids or [])
    incidents = [i for i in incidents if i.merged_into_id is None and visible(session, i)]
    people = _people_of(session, case, incidents)
    consents = incident_consents(session, [i.id for i in incidents])
    shared_incidents = [i for i in incidents if may_share(i, consents.get(i.id, set()), partner.id)]
    consents = person_consents(session, [p.id for p in people])
    shared_people = [p for p in people if may_share(p, consents.get(p.id, set()), partner.id)]
    if not shared_incidents and not shared_people:
        raise ExchangeError("nothing in this choice may be shared: no record has every reporter's consent")
    identity = open_identity(session)
    builder = _Builder(session, redaction)
    package = builder.package(case, shared_incidents, shared_people)
    package.update(format=FORMAT, schema_version=SCHEMA_VERSION, package_id=uuid.uuid4().hex,
                   created_at=utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), redaction=redaction, consent_rule=CONSENT_RULE,
                   source={"organisation": identity.organisation, "age_recipient": identity.age_recipient,
                           "fingerprint": fingerprint(identity.signing_public)},
                   recipient={"organisation": partner.name, "age_recipient": partner.age_recipient})
    data = seal_package(package, identity, partner.age_recipient)
    counts = {kind: len(package[kind]) for kind in ("incidents", "people", "relationships", "statuses")}
    counts.update(withheld_incidents=len(incidents) - len(shared_incidents),
                  withheld_people=len(people) - len(shared_people))
    session.add(ExchangePackage(package_id=package["package_id"], direction="sent", partner_id=partner.id,
                                redaction=redaction, sha256=file_digest(data), counts=counts, user_id=user_id))
    record(session, "exchange.export", user_id=user_id, object_type="partner", object_id=partner.id,
           detail={"package_id": package["package_id"], "redaction": redaction, "case_id": case.id if case else None,
                   "incident_ids": [i.id for i in shared_incidents], "person_ids": [p.id for p in shared_people],
                   "counts": counts})
    return Export(package["package_id"], data, counts)


def _chosen_incidents(session: Session, incident_ids: list[int]) -> list[Incident]:
    """The chosen incidents, loaded at once; NotFound for one that is missing or outside the asker's access."""
    ids = list(dict.fromkeys(incident_ids))
    found = {i.id: i for i in session.exec(select(Incident).where(Incident.id.in_(ids)))} if ids else {}
    for incident_id in ids:
        if incident_id not in found or not visible(session, found[incident_id]):
            raise NotFound(f"incident {incident_id}")  # need to know: hidden looks like missing
    return [found[i] for i in ids]


def _people_of(session: Session, case: Case | None, incidents: list[Incident]) -> list[Person]:
    """The case's people and everyone involved in the incidents, that the asker may see, each once."""
    ids = [person.id for person, _ in case_people(session, case.id)] if case else []
    if incidents:
        ids += session.exec(select(Involvement.person_id).where(
            Involvement.incident_id.in_([i.id for i in incidents])).order_by(Involvement.id)).all()
    found = {p.id: p for p in session.exec(select(Person).where(Person.id.in_(set(ids))))} if ids else {}
    people = [found[pid] for pid in dict.fromkeys(ids) if pid in found]
    return [p for p in people if p.merged_into_id is None and visible(session, p)]


def initials(name: str) -> str:
    """"Abdukerim Testjan" -> "A. T.": each word's first letter in Latin (Uyghur script read as ULY)."""
    words = [uyghur_latin(word) if script_of(word) == "Arab" else anyascii(word) for word in chunks(name)]
    return " ".join(word[0].upper() + "." for word in words if word and word[0].isalnum())


def coarsen(value: date | None, precision: str | None, grain: str | None) -> tuple[str | None, str | None]:
    """A date as ISO text, coarsened to the profile's grain (month or year) when it is finer."""
    if value is None:
        return None, precision
    if grain and precision in FINER[grain]:
        start = value.replace(day=1) if grain == "month" else value.replace(month=1, day=1)
        value, precision = start, grain
    return value.isoformat(), precision


class _Builder:
    """Turns chosen rows into package records under one redaction profile, minting exchange ids."""

    def __init__(self, session: Session, redaction: str):
        self.session, self.redaction, self.grain = session, redaction, DATE_GRAIN[redaction]
        self.full = redaction == "full"
        self.status_uids: dict[int, str] = {}
        self.involvements: dict[int, list[Involvement]] = {}

    def uids(self, kind: str, local_ids: list[int]) -> dict[int, str]:
        """The records' exchange ids: the ones they arrived with or were first sent under, or new ones."""
        found = dict(self.session.exec(select(ExchangeRecord.local_id, ExchangeRecord.uid).where(
            ExchangeRecord.kind == kind, ExchangeRecord.local_id.in_(local_ids))).all()) if local_ids else {}
        for local_id in local_ids:
            if local_id not in found:
                found[local_id] = uuid.uuid4().hex
                self.session.add(ExchangeRecord(uid=found[local_id], kind=kind, local_id=local_id))
        return {local_id: found[local_id] for local_id in local_ids}

    def package(self, case: Case | None, incidents: list[Incident], people: list[Person]) -> dict[str, Any]:
        """The package's records: incidents, people, their relationships and statuses, the case."""
        person_uids = self.uids("person", [p.id for p in people])
        incident_uids = self.uids("incident", [i.id for i in incidents])
        links = self.session.exec(select(PersonRelationship).where(
            PersonRelationship.person_id.in_(person_uids), PersonRelationship.related_person_id.in_(person_uids))
            .order_by(PersonRelationship.id)).all()
        link_uids = self.uids("relationship", [link.id for link in links])
        statuses = self.session.exec(select(RelativeStatus).where(RelativeStatus.person_id.in_(person_uids))
                                     .order_by(RelativeStatus.id)).all()
        self.status_uids = self.uids("status", [s.id for s in statuses])
        for involvement in self.session.exec(select(Involvement).where(
                Involvement.incident_id.in_(incident_uids), Involvement.person_id.in_(person_uids))
                .order_by(Involvement.id)).all():
            self.involvements.setdefault(involvement.incident_id, []).append(involvement)
        return {"case": self.case(case, person_uids, incident_uids) if case else None,
                "incidents": [self.incident(i, incident_uids[i.id], person_uids) for i in incidents],
                "people": [self.person(p, person_uids[p.id]) for p in people],
                "relationships": [self.relationship(link, link_uids[link.id], person_uids) for link in links],
                "statuses": [self.status(s, person_uids, link_uids, incident_uids) for s in statuses]}

    def case(self, case: Case, person_uids: dict, incident_uids: dict) -> dict[str, Any]:
        """The case container: no local reference, notes or interventions."""
        return {"uid": self.uids("case", [case.id])[case.id], "title": case.title if self.full else None,
                "status": case.status, "priority": case.priority, "risk_level": case.risk_level,
                "primary_person": person_uids.get(case.primary_person_id),
                "people": [{"person": person_uids[p.id], "role": role}
                           for p, role in case_people(self.session, case.id) if p.id in person_uids],
                "incidents": list(incident_uids.values())}

    def incident(self, incident: Incident, uid: str, person_uids: dict) -> dict[str, Any]:
        """An incident; free text only in the full profile (it may name anyone)."""
        start, start_precision = coarsen(incident.start_date, incident.start_precision, self.grain)
        end, end_precision = coarsen(incident.end_date, incident.end_precision, self.grain)
        return {"uid": uid, "title": incident.title if self.full else None,
                "summary": incident.summary if self.full else None, "primary_tactic": incident.primary_tactic,
                "tactics": incident.codes_of("tactic"), "channels": incident.codes_of("channel"),
                "demands": incident.codes_of("demand"), "community": incident.community,
                "origin_country": incident.origin_country, "host_country": incident.host_country,
                "transit_country": incident.transit_country, "start_date": start, "start_precision": start_precision,
                "end_date": end, "end_precision": end_precision, "verification": incident.verification,
                "severity": incident.severity,
                "involvements": [{"person": person_uids[i.person_id], "role": i.role, "tactic": i.tactic,
                                  "perpetrator_type": i.perpetrator_type, "attribution": i.attribution}
                                 for i in self.involvements.get(incident.id, [])]}

    def person(self, person: Person, uid: str) -> dict[str, Any]:
        """A person: names (full), initials (names-initials) or neither (codes-only)."""
        names = [{"name": n["name"], "script": n.get("script") or "Latn"} for n in person.names or [] if n.get("name")]
        latin = [n["name"] for n in names if n["script"] == "Latn"] or [n["name"] for n in names[:1]]
        return {"uid": uid, "pseudonym": person.pseudonym, "names": names if self.full else [],
                "initials": [initials(n) for n in latin if initials(n)] if self.redaction == "names-initials" else [],
                "community": person.community, "citizenships": list(person.citizenships),
                "residence_country": person.residence_country,
                "residence_place": person.residence_place if self.full else None,
                "birth_year": person.birth_year if self.full else None, "target_types": list(person.target_types),
                "is_group": person.is_group, "group_size": person.group_size, "group_size_kind": person.group_size_kind}

    def relationship(self, link: PersonRelationship, uid: str, person_uids: dict) -> dict[str, Any]:
        """A relationship between two people who both go."""
        since, since_precision = coarsen(link.since, link.since_precision, self.grain)
        return {"uid": uid, "person": person_uids[link.person_id],
                "related_person": person_uids[link.related_person_id], "relationship_type": link.relationship_type,
                "since": since, "since_precision": since_precision}

    def status(self, status: RelativeStatus, person_uids: dict, link_uids: dict, incident_uids: dict) -> dict[str, Any]:
        """A dated status; its place only in the full profile, its incident only if that goes too."""
        when, precision = coarsen(status.status_date, status.date_precision, self.grain)
        return {"uid": self.status_uids[status.id], "person": person_uids[status.person_id],
                "relationship": link_uids.get(status.relationship_id),
                "incident": incident_uids.get(status.incident_id),
                "status": status.status, "status_date": when, "date_precision": precision,
                "in_retaliation": status.in_retaliation, "retaliation_reason": status.retaliation_reason,
                "sentence_months": status.sentence_months if self.redaction != "codes-only" else None,
                "place_text": status.place_text if self.full else None,
                "proof_of_life_kind": status.proof_of_life_kind, "health_concern": status.health_concern}
