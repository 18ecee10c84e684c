"""Where each claim of a report or incident comes from: the basis of its verification level."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column
from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, utcnow
from .types import SealedText


class ClaimSource(SQLModel, table=True):
    """One claim (the tactic, the date, a relative's status...) and one source that supports it.

    A report or an incident carries a verification level (unverified, credible, corroborated,
    verified); these rows say why: which claim rests on what. A claim may have several sources,
    and the same source may back several claims. The note can name a journalist, an official or
    a second witness, so it is sealed like every other free text about people (DESIGN §3).
    """

    __tablename__ = "claim_source"
    # Exactly one subject: a report, as the reporter told it, or an incident a caseworker built.
    __table_args__ = (CheckConstraint("(report_id IS NULL) <> (incident_id IS NULL)", name="one_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int | None = Field(default=None, foreign_key="report.id", ondelete="CASCADE", index=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", ondelete="CASCADE", index=True)
    claim: str = Field(max_length=CODE_LENGTH)
    source_type: str = Field(max_length=CODE_LENGTH)
    # The evidence item, when the source is a file the reporter sent.
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id", ondelete="SET NULL")
    note: str | None = Field(default=None, sa_column=Column(SealedText("claim_source.note")))
    recorded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow)
