"""The kept counts behind the analyst dashboard: which margins are kept, and their cells."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


class StatisticsMargin(SQLModel, table=True):
    """One margin of a statistics cube (whose counts, broken down by which dimensions), kept current.

    Registered when a table first needs it (counted then in full); from then on every change to
    incidents, their codes, targets, reports' consent or relatives' statuses adjusts its cells in
    the same transaction (tracker.analytics.upkeep). No personal data: codes only.
    """

    __tablename__ = "statistics_margin"

    key: str = Field(primary_key=True, max_length=64)
    subject: str = Field(max_length=16)  # "incidents" (people targeted) or "relatives"
    dimensions: str = Field(max_length=400)  # JSON list of dimension names
    counted_at: datetime = Field(default_factory=utcnow)


class StatisticsCell(SQLModel, table=True):
    """Distinct people in one cell of a maintained margin (before disclosure control, never released as is)."""

    __tablename__ = "statistics_cell"

    margin_key: str = Field(foreign_key="statistics_margin.key", primary_key=True, max_length=64, ondelete="CASCADE")
    cell: str = Field(primary_key=True, max_length=400)  # JSON list of the cell's codes
    people: int = 0
