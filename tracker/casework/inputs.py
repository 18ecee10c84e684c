"""Data models for casework input that the shared ``models/inputs.py`` does not cover."""
from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints
from sqlmodel import Field, SQLModel

from ..models.base import SHORT_TEXT, Code
from ..models.inputs import IncidentCreate

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


class IncidentWithSources(IncidentCreate):
    """An incident with the perpetrator types seen in it and the reports it draws on."""

    perpetrator_types: list[Code("perpetrator_type")] = Field(default_factory=list, max_length=20)
    report_ids: list[int] = Field(default_factory=list, max_length=100)
