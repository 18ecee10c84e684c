"""The append-only audit log."""

from datetime import datetime

from sqlalchemy import DDL, Column, Index, Text, event
from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, utcnow

# Hash fields start with this placeholder while an append is in flight (see tracker.audit).
PENDING = "pending-"


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, when, and whether it worked. Never personal data or IPs.

    Each row carries the digest of the one before it, so deleting or editing a row breaks the
    chain that ``flask audit verify`` walks. ``prev_hash`` is unique, so two appends that raced
    for the same predecessor fail loudly instead of forking the chain.
    """

    __tablename__ = "audit_event"

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    actor: str = Field(default="staff", max_length=16)  # staff, reporter, system, api
    action: str = Field(max_length=64, index=True)
    object_type: str | None = Field(default=None, max_length=CODE_LENGTH)
    object_id: str | None = Field(default=None, max_length=64)
    outcome: str = Field(default="success", max_length=16)
    detail: str | None = Field(default=None, sa_column=Column(Text))
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)


# The database itself refuses to change or delete a finished event, so a bug in the app cannot
# rewrite history either. The same statements are in the migration that creates the table.
SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    f"WHEN OLD.hash NOT LIKE '{PENDING}%' "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
]
POSTGRESQL_APPEND_ONLY = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP = 'UPDATE' AND OLD.hash LIKE '{PENDING}%' THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]
# DDL() formats its text with %, so the LIKE wildcard is doubled here.
for _statement in SQLITE_APPEND_ONLY:
    event.listen(AuditEvent.__table__, "after_create",
                 DDL(_statement.replace("%", "%%")).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_APPEND_ONLY:
    event.listen(AuditEvent.__table__, "after_create",
                 DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"))
