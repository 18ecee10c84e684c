"""Cases: the caseworker's container for incidents, people, notes and interventions."""

from datetime import date, datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, utcnow
from .types import SealedText


class Case(SQLModel, table=True):
    """A case, e.g. TNR-2026-0042: one person's or family's situation, followed over time."""

    __tablename__ = "case_file"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    title: str | None = Field(default=None, sa_column=Column(SealedText("case.title")))
    primary_person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    assigned_to_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    status: str = Field(default="open", max_length=CODE_LENGTH, index=True)
    priority: str = Field(default="normal", max_length=CODE_LENGTH)
    risk_level: str | None = Field(default=None, max_length=CODE_LENGTH)
    opened_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    # Retention: personal data of a closed case is purged after this date unless extended.
    retain_until: date | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class CasePerson(SQLModel, table=True):
    """A person attached to a case."""

    __tablename__ = "case_person"

    case_id: int = Field(foreign_key="case_file.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE", index=True)
    role: str | None = Field(default=None, max_length=CODE_LENGTH)


class CaseNote(SQLModel, table=True):
    """A caseworker's note on a case."""

    __tablename__ = "case_note"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", ondelete="CASCADE", index=True)
    author_id: int | None = Field(default=None, foreign_key="staff_user.id")
    body: str = Field(sa_column=Column(SealedText("case_note.body"), nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Intervention(SQLModel, table=True):
    """What the organisation did on a case (a referral, a UN urgent appeal...) and how it went."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", ondelete="CASCADE", index=True)
    intervention_type: str = Field(max_length=CODE_LENGTH)
    intervention_date: date | None = None
    description: str | None = Field(default=None, sa_column=Column(SealedText("intervention.description")))
    outcome: str = Field(default="pending", max_length=CODE_LENGTH)
    outcome_note: str | None = Field(default=None, sa_column=Column(SealedText("intervention.outcome_note")))
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
