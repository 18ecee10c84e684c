"""Queue searches kept server-side, so a name searched for never sits in a URL or browser history."""

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from .base import utcnow
from .types import SealedText


class SavedSearch(SQLModel, table=True):
    """One caseworker's queue search terms, sealed; the queue's URL carries only this row's id."""

    __tablename__ = "saved_search"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", ondelete="CASCADE", index=True)
    query: str | None = Field(default=None, sa_column=Column(SealedText("saved_search.query")))
    words: str | None = Field(default=None, sa_column=Column(SealedText("saved_search.words")))
    created_at: datetime = Field(default_factory=utcnow)
