"""Geocoded places and the geocoder's cache."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint, func
from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, utcnow
from .types import SealedJSON, SealedText


class Location(SQLModel, table=True):
    """A place named in a report, incident or relative's status, and where it was geocoded to.

    The text the person typed stays sealed; only the gazetteer's answer, rounded to the
    precision it supports, is stored in the clear (DESIGN §5).
    """

    id: int | None = Field(default=None, primary_key=True)
    raw_text: str | None = Field(default=None, sa_column=Column(SealedText("location.raw_text")))
    country_hint: str | None = Field(default=None, max_length=2)
    name: str | None = Field(default=None, max_length=200)
    gazetteer_id: str | None = Field(default=None, max_length=64, index=True)
    country: str | None = Field(default=None, max_length=2, index=True)
    admin1: str | None = Field(default=None, max_length=100)
    lat: float | None = None
    lon: float | None = None
    precision: str | None = Field(default=None, max_length=CODE_LENGTH)
    geocoder: str | None = Field(default=None, max_length=64)
    confidence: float | None = None
    # pending -> geocoded | failed; "manual" when a caseworker set or corrected it by hand.
    status: str = Field(default="pending", max_length=16, index=True)
    geocoded_at: datetime | None = None


# A queue search for a place first asks which locations carry its name (casework/queue.py):
# by gazetteer id, or by the display name a caseworker gave a place set by hand, in any case.
Index("ix_location_name_folded", func.lower(Location.__table__.c.name))


class GeocodeCache(SQLModel, table=True):
    """Answers of a self-hosted geocoder, keyed by a keyed digest of the query, never the query."""

    __tablename__ = "geocode_cache"

    __table_args__ = (UniqueConstraint("provider", "query_digest"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=200)
    query_digest: str = Field(max_length=64)
    result: Any = Field(default=None, sa_column=Column(SealedJSON("geocode_cache.result")))
    created_at: datetime = Field(default_factory=utcnow)
