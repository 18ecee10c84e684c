"""Data models for casework input that the shared ``models/inputs.py`` does not cover."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints
from sqlmodel import Field, SQLModel

from ..models.base import SHORT_TEXT, Code
from ..models.inputs import IncidentCreate, LongText, PersonCreate, RelativeStatusInput, ShortText

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT)]


class InvolvementCreate(SQLModel):
    """A person's role in an incident."""

    person_id: int
    role: Code("involvement_role")
    tactic: Code("tactic") | None = None
    perpetrator_type: Code("perpetrator_type") | None = None
    attribution: Code("attribution") | None = None


class IncidentLinkCreate(SQLModel):
    """This incident caused, followed or relates to that one."""

    to_incident_id: int
    link_type: Code("incident_link_type")


class TriageUpdate(SQLModel):
    """Who handles a report, how urgent it is, and how far it has been verified."""

    assigned_to_id: int | None = None
    priority: Code("priority") = "normal"
    risk_level: Code("risk_level") | None = None
    verification: Code("verification") = "unverified"


class Rejection(SQLModel):
    """Why a report is rejected or marked as spam; the reason is shown to staff only."""

    reason: Reason
    spam: bool = False


class CaseUpdate(SQLModel):
    """A case's assignment, status, priority and risk."""

    assigned_to_id: int | None = None
    status: Code("case_status") = "open"
    priority: Code("priority") = "normal"
    risk_level: Code("risk_level") | None = None


class InterventionOutcome(SQLModel):
    """How an intervention went, recorded when the answer comes (a UN reply, a police decision)."""

    outcome: Code("intervention_outcome")
    outcome_note: LongText | None = None


class IncidentWithSources(IncidentCreate):
    """An incident with the perpetrator types seen in it and the reports it draws on."""

    perpetrator_types: list[Code("perpetrator_type")] = Field(default_factory=list, max_length=20)
    report_ids: list[int] = Field(default_factory=list, max_length=100)


class PersonChoice(SQLModel):
    """A person to record as new (the default) or, with ``existing_id``, one already recorded."""

    existing_id: int | None = None
    person: PersonCreate = Field(default_factory=PersonCreate)


class ProposedStatus(RelativeStatusInput):
    """One dated status of a proposed relative, as the reporter told it or the caseworker corrected it."""

    sentence_charge: ShortText | None = None
    sentence_court: ShortText | None = None
    proof_of_life_kind: Code("proof_of_life_kind") | None = None
    health_concern: Code("health_concern") | None = None
    health_note: LongText | None = None


class RelativeProposal(PersonChoice):
    """A relative from a report, proposed as a person with a relationship and statuses (issue 12 item 1).

    ``related_to`` says whose relative they are: the incident's target (the default) or the
    reporter's own person when someone reported for a family member.
    """

    reported_relative_id: int | None = None
    skip: bool = False
    relationship_type: Code("relationship_type")
    related_to: Literal["target", "reporter"] = "target"
    statuses: list[ProposedStatus] = Field(default_factory=list, max_length=20)
    in_retaliation: Code("retaliation") = "unknown"
    retaliation_reason: Code("retaliation_reason") | None = None


class FamilyImport(SQLModel):
    """Who an accepted report is about: the target, the reporter if someone else, and their relatives."""

    target: PersonChoice = Field(default_factory=PersonChoice)
    reporter: PersonChoice | None = None
    relatives: list[RelativeProposal] = Field(default_factory=list, max_length=20)
    open_case: bool = True


class AcceptWithFamily(IncidentWithSources):
    """Accepting a report through the API: the incident and the people it brings (relatives included)."""

    family: FamilyImport = Field(default_factory=FamilyImport)


class FamilyUpdateApply(SQLModel):
    """Applying a reporter's later facts about relatives, optionally citing the incident that evidences them."""

    incident_id: int | None = None
