"""People, the typed links between them, and what happened to relatives over time."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, merged_index, utcnow
from .types import SealedJSON, SealedText


class Person(SQLModel, table=True):
    """Anyone involved: a diaspora member, a relative at home, a perpetrator, a witness, a group.

    Screens and exports show the pseudonym; real names in every script stay sealed and are found
    through ``PersonNameToken`` blind-index digests.
    """

    __table_args__ = (merged_index("person"),)

    id: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(max_length=64, unique=True)
    # [{"name": "...", "script": "Latn" | "Hans" | "Arab" | "Tibt" | ...}]
    names: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(SealedJSON("person.names")))
    community: str | None = Field(default=None, max_length=CODE_LENGTH, index=True)
    citizenships: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    residence_country: str | None = Field(default=None, max_length=2)
    residence_place: str | None = Field(default=None, sa_column=Column(SealedText("person.residence_place")))
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    target_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    is_group: bool = False
    # A group (the Hong Kong 47, 222 expelled prisoners) counts as its size in statistics;
    # the kind says whether the number is exact, a floor or an estimate (issue 12 item 3).
    group_size: int | None = Field(default=None, ge=1)
    group_size_kind: str | None = Field(default=None, max_length=CODE_LENGTH)
    notes: str | None = Field(default=None, sa_column=Column(SealedText("person.notes")))
    # Set when deduplication merged this person into another; kept so a merge can be undone.
    merged_into_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    # The partner organisation whose package brought this person (tracker.exchange.package).
    source_partner_id: int | None = Field(default=None, foreign_key="partner.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    is_synthetic: bool = False


class PersonNameToken(SQLModel, table=True):
    """A keyed digest of one normalised name or name part, for search without decrypting."""

    __tablename__ = "person_name_token"
    __table_args__ = ({"sqlite_with_rowid": False},)

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    digest: str = Field(primary_key=True, max_length=64, index=True)


class PersonRelationship(SQLModel, table=True):
    """A typed, directed link: ``related_person`` is the ``relationship_type`` of ``person``.

    For example person = the daughter abroad, related_person = her father, type = "parent".
    """

    __tablename__ = "relationship"
    __table_args__ = (UniqueConstraint("person_id", "related_person_id", "relationship_type"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    related_person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    relationship_type: str = Field(max_length=CODE_LENGTH)
    since: date | None = None
    since_precision: str | None = Field(default=None, max_length=CODE_LENGTH)
    notes: str | None = Field(default=None, sa_column=Column(SealedText("relationship.notes")))


class RelativeStatus(SQLModel, table=True):
    """One dated entry in what happened to a person, usually a relative at home.

    "Father detained in retaliation" is a relationship plus a status here with
    ``in_retaliation`` set and ``incident_id`` naming the incident against the diaspora member.
    """

    __tablename__ = "relative_status"

    __table_args__ = (Index("ix_relative_status_status_date", "status", "status_date"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    relationship_id: int | None = Field(
        default=None, foreign_key="relationship.id", ondelete="SET NULL", index=True
    )
    status: str = Field(max_length=CODE_LENGTH)
    status_date: date | None = None
    date_precision: str = Field(default="unknown", max_length=CODE_LENGTH)
    location_id: int | None = Field(default=None, foreign_key="location.id", ondelete="SET NULL")
    place_text: str | None = Field(default=None, sa_column=Column(SealedText("relative_status.place_text")))
    in_retaliation: str = Field(default="unknown", max_length=CODE_LENGTH)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", ondelete="SET NULL", index=True)
    sentence_months: int | None = Field(default=None, ge=0)
    # The charge and court are sealed: with the sentence they can single out a person.
    sentence_charge: str | None = Field(default=None, sa_column=Column(SealedText("relative_status.sentence_charge")))
    sentence_court: str | None = Field(default=None, sa_column=Column(SealedText("relative_status.sentence_court")))
    retaliation_reason: str | None = Field(default=None, max_length=CODE_LENGTH, index=True)
    proof_of_life_kind: str | None = Field(default=None, max_length=CODE_LENGTH)
    health_concern: str | None = Field(default=None, max_length=CODE_LENGTH)
    health_note: str | None = Field(default=None, sa_column=Column(SealedText("relative_status.health_note")))
    source: str | None = Field(default=None, sa_column=Column(SealedText("relative_status.source")))
    notes: str | None = Field(default=None, sa_column=Column(SealedText("relative_status.notes")))
    created_at: datetime = Field(default_factory=utcnow)
