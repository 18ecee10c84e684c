"""Importing a partner's package: records marked with their source, known people proposed as duplicates.

Everything is written through the casework functions, so it is sealed like typed data and each
record's creation is audited; the package as a whole is audited with its id and counts. A
record whose exchange id is already here (the same package again, or our own record coming
back) is not created again. A new person whose names meet someone already known is created and
*proposed* as a duplicate (the person page lists it; merging stays a caseworker's decision):
two organisations' records of one person are never merged silently.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import taxonomy
from ..audit import record
from ..casework.cases import attach_person, get_case, link_incident_to_case, open_case
from ..casework.dedup import suggest_duplicate_people
from ..casework.errors import CaseworkError, Conflict
from ..casework.incidents import create_incident
from ..casework.need_to_know import visible
from ..casework.people import create_person, get_person, involve_person, survivor
from ..casework.relatives import add_relationship, record_relative_status
from ..models import ExchangePackage, ExchangeRecord, Incident, Person, PersonRelationship, Partner
from ..models.inputs import CaseCreate, IncidentCreate, PersonCreate, RelationshipCreate, RelativeStatusCreate
from ..staff.scope import current_scope
from .package import OpenedPackage, PackageRefused

INCIDENT_KEYS = ("title", "summary", "primary_tactic", "tactics", "channels", "demands", "community", "origin_country",
                 "host_country", "transit_country", "start_date", "start_precision", "end_date", "end_precision",
                 "verification", "severity")
PERSON_KEYS = ("names", "community", "citizenships", "residence_country", "residence_place", "birth_year",
               "target_types", "is_group", "group_size", "group_size_kind")
STATUS_KEYS = ("status", "status_date", "date_precision", "in_retaliation", "retaliation_reason", "sentence_months",
               "place_text", "proof_of_life_kind", "health_concern")
INVOLVEMENT_CODES = {"role": "involvement_role", "tactic": "tactic", "perpetrator_type": "perpetrator_type",
                     "attribution": "attribution"}


@dataclass
class ImportOutcome:
    """What a package brought (or, in a preview, would bring)."""

    package_id: str
    partner: str
    redaction: str
    created_at: str
    dry_run: bool
    already_imported: bool = False
    created: Counter = field(default_factory=Counter)
    known: Counter = field(default_factory=Counter)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (new pseudonym, known pseudonym)


def import_package(session: Session, opened: OpenedPackage, *, user_id: int | None,
                   dry_run: bool = False) -> ImportOutcome:
    """Write the package's records (a preview writes them in a transaction it rolls back), audited."""
    package, partner = opened.package, opened.partner
    outcome = ImportOutcome(package["package_id"], partner.name, package["redaction"], package["created_at"], dry_run)
    if session.get(ExchangePackage, package["package_id"]) is not None:
        outcome.already_imported = True
        return outcome
    _check_scope(package)
    try:
        _Writer(session, partner, user_id, outcome).write(package)
    except (ValidationError, CaseworkError) as error:
        session.rollback()
        raise PackageRefused(f"a record of the package cannot be stored here: {str(error).splitlines()[0][:200]}") \
            from error
    except KeyError as error:  # a record refers to an exchange id the package does not hold
        session.rollback()
        raise PackageRefused("a record of the package refers to a record it does not hold") from error
    except IntegrityError as error:  # the same exchange id twice in one package
        session.rollback()
        raise PackageRefused("the package holds two records under one exchange id") from error
    detail = {"package_id": outcome.package_id, "sha256": opened.sha256, "partner_id": partner.id,
              "redaction": outcome.redaction,
              "created": dict(outcome.created), "known": dict(outcome.known),
              "proposed_duplicates": len(outcome.duplicates)}
    if dry_run:
        session.rollback()
        record(session, "exchange.import_preview", user_id=user_id, object_type="partner", object_id=partner.id,
               detail=detail)
    else:
        session.add(ExchangePackage(package_id=outcome.package_id, direction="received", partner_id=partner.id,
                                    redaction=outcome.redaction, sha256=opened.sha256, counts=detail["created"],
                                    user_id=user_id))
        record(session, "exchange.import", user_id=user_id, object_type="partner", object_id=partner.id, detail=detail)
    session.commit()
    return outcome


def _check_scope(package: dict[str, Any]) -> None:
    """Need to know: a package holding records of communities outside the asker's access is refused whole."""
    scope = current_scope()
    communities = {r["community"] for kind in ("incidents", "people") for r in package[kind]}
    if scope is not None and not all(scope.allows(c) for c in communities):
        raise PackageRefused("the package holds records of communities outside your access: "
                             "ask a colleague who has them to import it")


class _Writer:
    """Writes one package's records in order: people, incidents, relationships, statuses, case."""

    def __init__(self, session: Session, partner: Partner, user_id: int | None, outcome: ImportOutcome):
        self.session, self.partner, self.user_id, self.outcome = session, partner, user_id, outcome
        self.local: dict[str, int] = {}  # uid -> local id, for the records of this package
        self.new_people: set[int] = set()
        self.held: dict[str, ExchangeRecord] = {}

    def known(self, kind: str, uid: str) -> int | None:
        """The local id of a record already here under this exchange id (None if new)."""
        row = self.held.get(uid)
        if row is None or row.kind != kind:
            return None
        self.outcome.known[kind] += 1
        return row.local_id

    def remember(self, kind: str, uid: str, local_id: int, created: bool = True) -> None:
        """Note the record's exchange id and its source partner."""
        self.local[uid] = local_id
        if created:
            self.outcome.created[kind] += 1
        self.session.add(ExchangeRecord(uid=uid, kind=kind, local_id=local_id, partner_id=self.partner.id))

    def write(self, package: dict[str, Any]) -> None:
        """Every record, then the duplicate proposals for the people it created."""
        uids = [r["uid"] for kind in ("people", "incidents", "relationships", "statuses") for r in package[kind]]
        uids += [package["case"]["uid"]] if package["case"] else []
        for start in range(0, len(uids), 500):  # the exchange ids already here, in a few statements
            self.held.update({row.uid: row for row in self.session.exec(
                select(ExchangeRecord).where(ExchangeRecord.uid.in_(uids[start:start + 500])))})
        for person in package["people"]:
            self.person(person)
        for incident in package["incidents"]:
            self.incident(incident)
        for link in package["relationships"]:
            self.relationship(link)
        for status in package["statuses"]:
            self.status(status)
        if package["case"]:
            self.case(package["case"])
        self.propose_duplicates()

    def person(self, data: dict[str, Any]) -> None:
        """A new person marked with its source, or the one already here under this exchange id."""
        if (local := self.known("person", data["uid"])) is not None:
            self.local[data["uid"]] = survivor(self.session, get_person(self.session, local)).id
            return
        fields = {key: data[key] for key in PERSON_KEYS}
        if data["initials"]:  # initials are not names: kept as a note, out of the name index
            fields["notes"] = f"Initials given by {self.partner.name}: {', '.join(data['initials'])}"
        person = create_person(self.session, PersonCreate.model_validate(fields), user_id=self.user_id)
        person.source_partner_id = self.partner.id
        self.new_people.add(person.id)
        self.remember("person", data["uid"], person.id)

    def incident(self, data: dict[str, Any]) -> None:
        """A new incident marked with its source, and its people's roles in it."""
        if (local := self.known("incident", data["uid"])) is not None:
            self.local[data["uid"]] = local
            return
        incident = create_incident(self.session, IncidentCreate.model_validate({k: data[k] for k in INCIDENT_KEYS}),
                                   user_id=self.user_id)
        incident.source_partner_id = self.partner.id
        for involvement in data["involvements"]:
            codes = {key: involvement[key] for key in INVOLVEMENT_CODES}
            for key, value in codes.items():
                if value is not None and not taxonomy.is_code(INVOLVEMENT_CODES[key], value):
                    raise Conflict(f"unknown {key.replace('_', ' ')} {value!r}")
            person = self.session.get(Person, self.local[involvement["person"]])
            involve_person(self.session, incident.id, person, codes.pop("role"), user_id=self.user_id, **codes)
        self.remember("incident", data["uid"], incident.id)

    def relationship(self, data: dict[str, Any]) -> None:
        """A relationship between two people of the package; an identical one here is reused."""
        if (local := self.known("relationship", data["uid"])) is not None:
            self.local[data["uid"]] = local
            return
        link = RelationshipCreate.model_validate({
            "person_id": self.local[data["person"]], "related_person_id": self.local[data["related_person"]],
            "relationship_type": data["relationship_type"], "since": data["since"],
            "since_precision": data["since_precision"]})
        existing = self.session.exec(select(PersonRelationship.id).where(
            PersonRelationship.person_id == link.person_id,
            PersonRelationship.related_person_id == link.related_person_id,
            PersonRelationship.relationship_type == link.relationship_type)).first()
        if existing is not None:
            self.outcome.known["relationship"] += 1
            self.remember("relationship", data["uid"], existing, created=False)
            return
        self.remember("relationship", data["uid"], add_relationship(self.session, link, user_id=self.user_id).id)

    def status(self, data: dict[str, Any]) -> None:
        """A dated status of a person of the package."""
        if self.known("status", data["uid"]) is not None:
            return
        status = record_relative_status(self.session, RelativeStatusCreate.model_validate({
            **{key: data[key] for key in STATUS_KEYS}, "person_id": self.local[data["person"]],
            "relationship_id": self.local.get(data["relationship"]) if data["relationship"] else None,
            "incident_id": self.local.get(data["incident"]) if data["incident"] else None}), user_id=self.user_id)
        self.remember("status", data["uid"], status.id)

    def case(self, data: dict[str, Any]) -> None:
        """The case (a new one, or the one already here), with the package's people and incidents."""
        if (local := self.known("case", data["uid"])) is not None:
            case = get_case(self.session, local)
        else:
            primary = self.local.get(data["primary_person"]) if data["primary_person"] else None
            case = open_case(self.session, CaseCreate.model_validate({
                "title": data["title"], "status": data["status"], "priority": data["priority"],
                "risk_level": data["risk_level"], "primary_person_id": primary}), user_id=self.user_id)
            self.remember("case", data["uid"], case.id)
        for entry in data["people"]:
            attach_person(self.session, case, get_person(self.session, self.local[entry["person"]]), entry["role"],
                          user_id=self.user_id)
        for uid in data["incidents"]:
            incident = self.session.get(Incident, self.local[uid])
            if incident.case_id is None:
                link_incident_to_case(self.session, case, incident, user_id=self.user_id)

    def propose_duplicates(self) -> None:
        """For each new person, the known people the name index and comparison say may be the same."""
        for person_id in sorted(self.new_people):
            person = self.session.get(Person, person_id)
            for suggestion in suggest_duplicate_people(self.session, person, limit=5):
                other = self.session.get(Person, suggestion.object_id)
                if other.id not in self.new_people and visible(self.session, other):
                    self.outcome.duplicates.append((person.pseudonym, other.pseudonym))

