"""What goes into a referral dossier, gathered from the case and redacted as the caseworker chose.

The structure follows what the UN Working Group on Enforced or Involuntary Disappearances and the
Special Procedures' urgent appeals ask a source for: the person (names in every script, birth,
nationality, community), the arrest or disappearance (date, place), the forces believed
responsible, the steps already taken, the source and their relationship to the person, the
current situation and the consent. The police variant keeps to incidents in the host country and
lists the evidence by SHA-256 so the files handed over can be checked against it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from .. import taxonomy
from ..casework.cases import case_incidents
from ..models import (
    Case, Evidence, Incident, IncidentReport, Intervention, Involvement, Location, Person, PersonRelationship,
    ReferralConsent, RelativeStatus, Report,
)

REDACTIONS = {
    "source_name": _l("the source's name"),
    "relative_names": _l("the names of relatives and others in the case (the person's own are kept)"),
    "addresses": _l("addresses and street-level places"),
}
# Scripts whose names are set in a language of their own, for the font (Han simplified or
# traditional) and the direction (Arabic script: Uyghur right to left).
SCRIPT_LANGUAGES = {"Arab": "ug", "Tibt": "bo", "Hans": "zh-Hans", "Hant": "zh-Hant", "Hani": "zh-Hans",
                    "Khmr": "km", "Ethi": "ti", "Cyrl": "ru", "Mong": "mn", "Latn": "en"}
COARSE_PRECISIONS = {"country", "admin1", "county", "city"}
# The other side of a directed relationship; the rest (sibling, spouse, cousin...) read both ways.
INVERSE = {"parent": "child", "child": "parent", "grandparent": "grandchild", "grandchild": "grandparent",
           "aunt_uncle": "niece_nephew", "niece_nephew": "aunt_uncle"}


@dataclass
class Name:
    """One recorded name, with the language tag and direction it is typeset in."""

    text: str
    script: str
    lang: str
    rtl: bool


@dataclass
class PersonPart:
    """A person as the dossier shows them; ``names`` is empty when they are withheld."""

    id: int
    names: list[Name]
    withheld: bool
    birth_year: int | None
    citizenships: list[str]
    community: str | None
    residence_country: str | None
    residence_place: str | None


@dataclass
class StatusLine:
    """One dated entry of what happened to the person."""

    code: str
    when: date | None
    precision: str
    place: str | None
    sentence_months: int | None
    charge: str | None
    court: str | None
    health_concern: str | None


@dataclass
class RelativePart:
    """Someone related to the subject: who, how, and their situation now."""

    person: PersonPart
    relationship: str  # what they are to the subject: "parent" when they are the subject's parent
    custody: StatusLine | None
    contact: StatusLine | None


@dataclass
class IncidentPart:
    """One incident as the mechanism needs it."""

    id: int
    start: date | None
    start_precision: str
    end: date | None
    end_precision: str | None
    tactics: list[str]
    channels: list[str]
    demands: list[str]
    place: str | None
    country: str | None
    summary: str | None
    perpetrators: list[tuple[str | None, str | None, PersonPart | None]]  # type, attribution, who


@dataclass
class Dossier:
    """Everything one dossier shows, already redacted."""

    mechanism: str
    reference: str
    made_at: datetime
    intervention_id: int | None
    redactions: frozenset[str]
    subject: PersonPart
    arrest: StatusLine | None = None
    history: list[StatusLine] = field(default_factory=list)
    custody: StatusLine | None = None
    contact: StatusLine | None = None
    source: PersonPart | None = None
    source_relation: str | None = None
    relatives: list[RelativePart] = field(default_factory=list)
    incidents: list[IncidentPart] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    steps: list[Intervention] = field(default_factory=list)
    consent: ReferralConsent | None = None
    consent_giver: str = "self"  # self, source or relative
    consent_giver_part: PersonPart | None = None
    host_country: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


class Scrubber:
    """Replaces the names of withheld people in free text (summaries, notes) with a marker.

    It catches the names as recorded and their parts; a spelling the record does not hold gets
    through, which is why the page asks the caseworker to read the PDF before sending it.
    """

    def __init__(self, marker: str):
        self.marker, self.words = marker, set()

    def withhold(self, person: Person) -> None:
        """Add every recorded name of this person, and its parts of three letters or more."""
        for entry in person.names or []:
            name = str(entry.get("name") or "").strip()
            if name:
                self.words.add(name)
                self.words.update(part for part in re.split(r"[\s,.·・]+", name) if len(part) >= 3)

    def __call__(self, text: str | None) -> str | None:
        """The text with every withheld name replaced."""
        if not text or not self.words:
            return text
        pattern = "|".join(re.escape(word) for word in sorted(self.words, key=len, reverse=True))
        return re.sub(pattern, self.marker, text, flags=re.IGNORECASE)


def person_part(person: Person, *, withheld: bool, addresses: bool) -> PersonPart:
    """A person for the dossier: names unless withheld, the residence place only if addresses are kept."""
    names = [] if withheld else [
        Name(str(entry.get("name")), str(entry.get("script") or "Latn"),
             SCRIPT_LANGUAGES.get(str(entry.get("script")), "und"), entry.get("script") == "Arab")
        for entry in person.names or [] if entry.get("name")]
    return PersonPart(person.id, names, withheld, person.birth_year, list(person.citizenships or []),
                      person.community, person.residence_country, person.residence_place if addresses else None)


def status_line(session: Session, status: RelativeStatus, scrub: Scrubber, addresses: bool) -> StatusLine:
    """One status, its place as typed only when addresses are kept (else the geocoded town)."""
    return StatusLine(status.status, status.status_date, status.date_precision,
                      scrub(status.place_text) if addresses and status.place_text
                      else place_name(session, status.location_id, addresses),
                      status.sentence_months, scrub(status.sentence_charge), scrub(status.sentence_court),
                      status.health_concern)


def place_name(session: Session, location_id: int | None, addresses: bool) -> str | None:
    """A geocoded place's name; a street-level one only when addresses are kept."""
    location = session.get(Location, location_id) if location_id else None
    if location is None:
        return None
    if not addresses and location.precision not in COARSE_PRECISIONS:
        return ", ".join(part for part in (location.admin1, location.country) if part) or None
    return ", ".join(part for part in (location.name, location.admin1, location.country) if part) or None


def arrest_of(history: list[StatusLine]) -> StatusLine | None:
    """The arrest or disappearance the referral is about: the first deprivation of liberty after
    the last release (the person may have been held, freed and taken again)."""
    arrest = None
    for line in history:
        group = taxonomy.term("relative_status", line.code).group
        if group == "release":
            arrest = None
        elif group == "detention" and arrest is None and line.code != "died_in_custody":
            arrest = line
    return arrest


def relation_between(session: Session, person_id: int, other_id: int) -> str | None:
    """What ``other`` is to ``person`` (a relationship_type code: "child" when other is person's
    child), whichever way the link was recorded; None when no relationship is recorded."""
    for link in session.exec(select(PersonRelationship).where(
            ((PersonRelationship.person_id == other_id) & (PersonRelationship.related_person_id == person_id))
            | ((PersonRelationship.person_id == person_id) & (PersonRelationship.related_person_id == other_id)))):
        return seen_from(link, person_id)
    return None


def seen_from(link: PersonRelationship, person_id: int) -> str:
    """The link's type as the other side is to ``person``: links read "related is person's <type>"."""
    if link.person_id == person_id:
        return link.relationship_type
    return INVERSE.get(link.relationship_type, link.relationship_type)


def incident_part(session: Session, incident: Incident, scrub: Scrubber, addresses: bool,
                  withheld: set[int]) -> IncidentPart:
    """An incident with its codes, place, summary and the perpetrators recorded for it."""
    codes: dict[str, list[str]] = {}
    for code in sorted(incident.codes, key=lambda item: (item.code != incident.primary_tactic, item.code)):
        codes.setdefault(code.vocabulary, []).append(code.code)
    perpetrators = []
    for involvement in session.exec(select(Involvement).where(Involvement.incident_id == incident.id,
                                                              Involvement.role == "perpetrator")):
        person = session.get(Person, involvement.person_id)
        name = None if person is None else person_part(person, withheld=person.id in withheld, addresses=addresses)
        perpetrators.append((involvement.perpetrator_type, involvement.attribution, name))
    return IncidentPart(incident.id, incident.start_date, incident.start_precision, incident.end_date,
                        incident.end_precision, codes.get("tactic") or [incident.primary_tactic],
                        codes.get("channel", []), codes.get("demand", []),
                        place_name(session, incident.location_id, addresses), incident.host_country,
                        scrub(incident.summary), perpetrators)


def reports_of(session: Session, incident_ids: list[int]) -> list[Report]:
    """The reports the incidents were drawn from."""
    if not incident_ids:
        return []
    return list(session.exec(select(Report).join(IncidentReport, IncidentReport.report_id == Report.id)
                             .where(IncidentReport.incident_id.in_(incident_ids)).order_by(Report.id)).all())


def evidence_of(session: Session, case_id: int, report_ids: list[int]) -> list[Evidence]:
    """The evidence filed with the case or sent with its reports, by id."""
    clause = Evidence.case_id == case_id
    if report_ids:
        clause = clause | Evidence.report_id.in_(report_ids)
    return list(session.exec(select(Evidence).where(clause).order_by(Evidence.id)).all())


def subject_incidents(session: Session, case: Case, subject: Person, statuses: list[RelativeStatus]) -> list[Incident]:
    """The case's incidents that involve the subject or evidence one of their statuses (all, if none)."""
    incidents = case_incidents(session, case.id)
    involved = set(session.exec(select(Involvement.incident_id).where(Involvement.person_id == subject.id)).all())
    involved |= {status.incident_id for status in statuses if status.incident_id}
    return [incident for incident in incidents if incident.id in involved] or incidents
