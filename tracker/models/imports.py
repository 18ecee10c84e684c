"""Rows already imported from spreadsheets, known only by a keyed digest (issue 15 item 1)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, utcnow


class ImportedRow(SQLModel, table=True):
    """One spreadsheet row that was imported: re-importing the same row creates nothing new.

    The fingerprint is a keyed digest of the row's cells, never the row in clear, so the table
    says nothing about a person to someone holding the database without the index key (DESIGN §2).
    """

    __tablename__ = "imported_row"

    fingerprint: str = Field(primary_key=True, max_length=64)
    source_sha256: str = Field(max_length=64, index=True)
    row_number: int
    incident_id: int | None = Field(default=None, foreign_key="incident.id", ondelete="SET NULL")
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    community: str | None = Field(default=None, max_length=CODE_LENGTH)
    imported_at: datetime = Field(default_factory=utcnow)
