"""Incidents derived from reports, and who was involved in them (HURIDOCS "who did what to whom")."""

from datetime import date, datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from .base import CODE_LENGTH, HasCodes, merged_index, utcnow
from .types import SealedText


class Incident(HasCodes, SQLModel, table=True):
    """One event of repression, as a caseworker established it from one or more reports."""

    __table_args__ = (
        Index("ix_incident_origin_start", "origin_country", "start_date"),
        Index("ix_incident_host_start", "host_country", "start_date"),
        merged_index("incident"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case_file.id", ondelete="SET NULL", index=True)
    title: str | None = Field(default=None, sa_column=Column(SealedText("incident.title")))
    summary: str | None = Field(default=None, sa_column=Column(SealedText("incident.summary")))
    primary_tactic: str = Field(max_length=CODE_LENGTH, index=True)
    # The targeted community, copied from the target so statistics need no join to people.
    community: str | None = Field(default=None, max_length=CODE_LENGTH, index=True)
    origin_country: str | None = Field(default=None, max_length=2)
    host_country: str | None = Field(default=None, max_length=2)
    # Where a lure or rendition passed through (Dubai for Rusesabagina): issue 12 item 4.
    transit_country: str | None = Field(default=None, max_length=2)
    start_date: date | None = Field(default=None, index=True)
    start_precision: str = Field(default="unknown", max_length=CODE_LENGTH)
    end_date: date | None = None
    end_precision: str | None = Field(default=None, max_length=CODE_LENGTH)
    location_id: int | None = Field(default=None, foreign_key="location.id", ondelete="SET NULL", index=True)
    host_state_role: str | None = Field(default=None, max_length=CODE_LENGTH)
    verification: str = Field(default="unverified", max_length=CODE_LENGTH, index=True)
    severity: int | None = Field(default=None, ge=1, le=5)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    is_synthetic: bool = False
    # Set when deduplication merged this incident into another; kept so the merge can be undone.
    merged_into_id: int | None = Field(default=None, foreign_key="incident.id", ondelete="SET NULL")
    # The partner organisation whose package brought this incident (tracker.exchange.package).
    source_partner_id: int | None = Field(default=None, foreign_key="partner.id", ondelete="SET NULL")

    codes: list["IncidentCode"] = Relationship(
        back_populates="incident", cascade_delete=True, sa_relationship_kwargs={"lazy": "selectin"}
    )
    involvements: list["Involvement"] = Relationship(back_populates="incident", cascade_delete=True)


class IncidentCode(SQLModel, table=True):
    """One tactic, channel or demand of an incident; the primary tactic is also listed here."""

    __tablename__ = "incident_code"

    # WITHOUT ROWID on SQLite: the composite key is the row, not a second copy of it.
    __table_args__ = (
        Index("ix_incident_code_lookup", "vocabulary", "code", "incident_id"),
        {"sqlite_with_rowid": False},
    )

    incident_id: int = Field(foreign_key="incident.id", primary_key=True, ondelete="CASCADE")
    vocabulary: str = Field(primary_key=True, max_length=CODE_LENGTH)
    code: str = Field(primary_key=True, max_length=CODE_LENGTH)

    incident: Incident = Relationship(back_populates="codes")


class IncidentReport(SQLModel, table=True):
    """Which reports an incident draws on; a report may yield several incidents."""

    __tablename__ = "incident_report"
    __table_args__ = ({"sqlite_with_rowid": False},)

    incident_id: int = Field(foreign_key="incident.id", primary_key=True, ondelete="CASCADE")
    report_id: int = Field(foreign_key="report.id", primary_key=True, ondelete="CASCADE", index=True)


class IncidentLink(SQLModel, table=True):
    """A directed link between incidents: this one caused, followed or relates to that one."""

    __tablename__ = "incident_link"

    __table_args__ = (UniqueConstraint("from_incident_id", "to_incident_id", "link_type"),)

    id: int | None = Field(default=None, primary_key=True)
    from_incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", index=True)
    to_incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", index=True)
    link_type: str = Field(max_length=CODE_LENGTH)


class Involvement(SQLModel, table=True):
    """A person's role in an incident: target, relative targeted, perpetrator or witness."""

    __table_args__ = (UniqueConstraint("incident_id", "person_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    role: str = Field(max_length=CODE_LENGTH)
    tactic: str | None = Field(default=None, max_length=CODE_LENGTH)
    perpetrator_type: str | None = Field(default=None, max_length=CODE_LENGTH)
    attribution: str | None = Field(default=None, max_length=CODE_LENGTH)

    incident: Incident = Relationship(back_populates="involvements")
