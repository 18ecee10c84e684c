"""Content-free notices to staff, and the follow-ups a case schedules."""

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, utcnow
from .types import SealedText


class Notification(SQLModel, table=True):
    """Something waits for one staff member: a kind and an object id, never a name or text."""

    __table_args__ = (Index("ix_notification_inbox", "user_id", "read_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", ondelete="CASCADE")
    kind: str = Field(max_length=CODE_LENGTH)  # urgent_report, reporter_reply, follow_up_due
    object_type: str = Field(max_length=CODE_LENGTH)
    object_id: int
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    emailed_at: datetime | None = Field(default=None, index=True)


class FollowUp(SQLModel, table=True):
    """A recurring task on a case ("ask the family for proof of life every 3 months")."""

    __tablename__ = "follow_up"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", ondelete="CASCADE", index=True)
    what: str = Field(sa_column=Column(SealedText("follow_up.what"), nullable=False))
    every_days: int | None = None  # None: once
    next_due_at: datetime = Field(index=True)
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
