"""Data models that validate outside input before it reaches a table model.

Table models do not validate on construction (SQLModel's documented behaviour), so every path
from a form, the API or an import goes through one of these, then ``Table.model_validate(data)``
or a domain function that copies the checked fields.
"""
from datetime import date
from typing import Annotated

from pydantic import StringConstraints, field_validator, model_validator
from sqlmodel import Field, SQLModel

from .base import LONG_TEXT, SHORT_TEXT, Code, Country

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=SHORT_TEXT)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=LONG_TEXT)]


class DatedInput(SQLModel):
    """A date with its precision: "month" stores the first of the month, "year" the 1st of January."""

    @staticmethod
    def normalise_date(value: date | None, precision: str) -> date | None:
        """Drop the part of the date the precision says is not known."""
        if value is None or precision in ("exact", "estimate"):
            return value
        if precision == "month":
            return value.replace(day=1)
        if precision == "year":
            return value.replace(month=1, day=1)
        return None  # "unknown": a stray date would claim knowledge we do not have


def not_in_future(value: date | None) -> date | None:
    """A date that has not happened yet is a typing mistake (issue 12 item 8)."""
    if value is not None and value > date.today():
        raise ValueError("the date is in the future")
    return value


class RelativeStatusInput(SQLModel):
    """One thing that happened to a relative, as reported or recorded; a prison sentence in months."""

    status: Code("relative_status")
    status_date: date | None = None
    date_precision: Code("date_precision") = "unknown"
    sentence_months: int | None = Field(default=None, ge=0, le=1200)

    @model_validator(mode="after")
    def _coarsen(self) -> "RelativeStatusInput":
        coarse = DatedInput.normalise_date(self.status_date, self.date_precision)
        if coarse != self.status_date:  # assigning costs more than comparing, and this runs twice
            self.status_date = coarse   # for each status (SQLModel's __init__ validates it again)
        return self

    @field_validator("status_date")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        return not_in_future(value)


class ReportedRelativeCreate(SQLModel):
    """A relative described in a report."""

    relationship_type: Code("relationship_type")
    residence_country: Country | None = None
    residence_place: ShortText | None = None
    statuses: list[RelativeStatusInput] = Field(default_factory=list, max_length=20)
    in_retaliation: Code("retaliation") = "unknown"
    details: LongText | None = None


class ReportCreate(SQLModel):
    """A report as a reporter (form or API) or a caseworker submits it. Nothing identifying is required."""

    # A language tag such as "ug" or "zh_Hans": a NUL or other text here was a 503 on PostgreSQL.
    language: Annotated[str, StringConstraints(max_length=16, pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")] = "en"
    intake_channel: Code("intake_channel") = "web"
    submitter_role: Code("submitter_role") = "self"
    targets: list[Code("report_target")] = Field(default_factory=list, max_length=10)
    community: Code("community") | None = None
    tactics: list[Code("tactic")] = Field(default_factory=list, max_length=40)
    channels: list[Code("channel")] = Field(default_factory=list, max_length=30)
    demands: list[Code("demand")] = Field(default_factory=list, max_length=20)
    perpetrator_types: list[Code("perpetrator_type")] = Field(default_factory=list, max_length=20)
    perpetrator_affiliation: ShortText | None = None
    event_date: date | None = None
    event_date_precision: Code("date_precision") = "unknown"
    place_text: ShortText | None = None
    place_country: Country | None = None
    origin_country: Country | None = None
    host_country: Country | None = None
    narrative: LongText | None = None
    reporter_name: ShortText | None = None
    contact: ShortText | None = None
    consent_contact: bool = False
    consent_statistics: bool = False
    consent_partners: bool = False
    urgent_risk: bool = False
    relatives: list[ReportedRelativeCreate] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _coarsen(self) -> "ReportCreate":
        coarse = DatedInput.normalise_date(self.event_date, self.event_date_precision)
        if coarse != self.event_date:  # as RelativeStatusInput's: no assignment when nothing changes
            self.event_date = coarse
        return self

    @field_validator("event_date")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        return not_in_future(value)


class IncidentCreate(SQLModel):
    """An incident as a caseworker records it."""

    title: ShortText | None = None
    summary: LongText | None = None
    primary_tactic: Code("tactic")
    tactics: list[Code("tactic")] = Field(default_factory=list, max_length=40)
    channels: list[Code("channel")] = Field(default_factory=list, max_length=30)
    demands: list[Code("demand")] = Field(default_factory=list, max_length=20)
    community: Code("community") | None = None
    origin_country: Country | None = None
    host_country: Country | None = None
    transit_country: Country | None = None
    start_date: date | None = None
    start_precision: Code("date_precision") = "unknown"
    end_date: date | None = None
    end_precision: Code("date_precision") | None = None
    host_state_role: Code("host_state_role") | None = None
    verification: Code("verification") = "unverified"
    severity: int | None = Field(default=None, ge=1, le=5)

    @model_validator(mode="after")
    def _check(self) -> "IncidentCreate":
        self.start_date = DatedInput.normalise_date(self.start_date, self.start_precision)
        if self.end_date is not None:
            self.end_date = DatedInput.normalise_date(self.end_date, self.end_precision or "exact")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("the incident ends before it starts")
        if self.primary_tactic not in self.tactics:
            self.tactics = [self.primary_tactic, *self.tactics]
        return self


class PersonName(SQLModel):
    """One name of a person, in one script (ISO 15924 code such as Latn, Hans, Hant, Arab, Tibt)."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT)]
    script: Annotated[str, StringConstraints(pattern=r"^[A-Z][a-z]{3}$")] = "Latn"


class PersonCreate(SQLModel):
    """A person as a caseworker records them; names are optional and sealed."""

    pseudonym: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    names: list[PersonName] = Field(default_factory=list, max_length=20)
    community: Code("community") | None = None
    citizenships: list[Country] = Field(default_factory=list, max_length=5)
    residence_country: Country | None = None
    residence_place: ShortText | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    target_types: list[Code("target_type")] = Field(default_factory=list, max_length=10)
    is_group: bool = False
    group_size: int | None = Field(default=None, ge=1, le=10_000_000)
    group_size_kind: Code("group_size_kind") | None = None
    notes: LongText | None = None

    @model_validator(mode="after")
    def _group_size(self) -> "PersonCreate":
        if self.group_size is not None:
            self.is_group = True
            self.group_size_kind = self.group_size_kind or "exact"
        elif not self.is_group:
            self.group_size_kind = None
        return self


class RelationshipCreate(SQLModel):
    """``related_person`` is the ``relationship_type`` of ``person`` (e.g. her parent)."""

    person_id: int
    related_person_id: int
    relationship_type: Code("relationship_type")
    since: date | None = None
    since_precision: Code("date_precision") | None = None
    notes: LongText | None = None

    @model_validator(mode="after")
    def _not_self(self) -> "RelationshipCreate":
        if self.person_id == self.related_person_id:
            raise ValueError("a person cannot be related to themselves")
        return self


class RelativeStatusCreate(RelativeStatusInput):
    """A dated status of a person, with its place, source and link to the incident behind it."""

    person_id: int
    relationship_id: int | None = None
    place_text: ShortText | None = None
    in_retaliation: Code("retaliation") = "unknown"
    retaliation_reason: Code("retaliation_reason") | None = None
    incident_id: int | None = None
    sentence_charge: ShortText | None = None
    sentence_court: ShortText | None = None
    proof_of_life_kind: Code("proof_of_life_kind") | None = None
    health_concern: Code("health_concern") | None = None
    health_note: LongText | None = None
    source: LongText | None = None
    notes: LongText | None = None


class CaseCreate(SQLModel):
    """A new case."""

    title: ShortText | None = None
    primary_person_id: int | None = None
    assigned_to_id: int | None = None
    status: Code("case_status") = "open"
    priority: Code("priority") = "normal"
    risk_level: Code("risk_level") | None = None


class InterventionCreate(SQLModel):
    """Something the organisation did on a case."""

    intervention_type: Code("intervention_type")
    intervention_date: date | None = None
    description: LongText | None = None
    outcome: Code("intervention_outcome") = "pending"
    outcome_note: LongText | None = None


class MessageCreate(SQLModel):
    """A message in a report's thread."""

    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LONG_TEXT)]
