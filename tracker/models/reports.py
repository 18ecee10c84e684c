"""What reporters send: reports, the relatives they describe, evidence, and the message thread."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, text
from sqlalchemy.orm import validates
from sqlmodel import Field, Relationship, SQLModel

from .base import CODE_LENGTH, HasCodes, SHORT_TEXT, reporter_time, utcnow
from .types import SealedText


# The condition of the urgent queue walks' partial indexes, as the queue writes it (SQLite uses a
# partial index only for a query that repeats its condition: "urgent_risk IS 1" would not do).
URGENT = {"sqlite_where": text("urgent_risk = 1"), "postgresql_where": text("urgent_risk")}
# Columns the queue's filters test on each row of a walk, carried in the walks' indexes.
FILTERED = ("origin_country", "host_country", "assigned_to_id", "tactics")


def tactic_key(codes: Iterable[str]) -> str:
    """A report's tactic codes as one text, ``|a|b|`` (``|`` for none), for Report.tactics."""
    return "|" + "".join(f"{code}|" for code in sorted(set(codes)))


class Report(HasCodes, SQLModel, table=True):
    """One submission, kept as sent. Corrections and additions are new rows (``follow_up_of``)."""

    # The queue walks one of these in order (casework/queue.py): a status, or a status and the
    # community a caseworker filtered on, so a page stops after its rows at any size. Reports
    # flagged as urgent have walks of their own, holding only them: triage asks for them most,
    # and they are a few in a hundred, so a walk through every report of a community would
    # read all of it to fill a page of urgent ones in a large queue (issue 17). Their leading
    # urgent_risk column is the same in every row: it is there because SQLite, keeping no
    # statistics, takes the index that matches more of the query's equalities, and so prefers
    # these to the full walks when the queue asks for urgent reports. Each walk also carries the
    # columns other filters test (FILTERED), after its order: SQLite then passes over a report
    # that fails them without reading its row, so a rare combination (a host country few of a
    # community's reports name) walks index entries, not the table (50 ms -> 2 ms at 1,000,000).
    __table_args__ = (
        Index("ix_report_queue", "status", "submitted_at", "id", "community", "urgent_risk", *FILTERED),
        Index("ix_report_queue_community", "status", "community", "submitted_at", "id", "urgent_risk", *FILTERED),
        Index("ix_report_urgent_queue", "urgent_risk", "status", "submitted_at", "id", "community", *FILTERED,
              **URGENT),
        Index("ix_report_urgent_queue_community", "urgent_risk", "status", "community", "submitted_at", "id",
              *FILTERED, **URGENT))

    id: int | None = Field(default=None, primary_key=True)
    # To the hour (reporter_time); the queue orders by (submitted_at, id).
    submitted_at: datetime = Field(default_factory=reporter_time)
    language: str = Field(default="en", max_length=16)
    intake_channel: str = Field(default="web", max_length=CODE_LENGTH)
    submitter_role: str = Field(default="self", max_length=CODE_LENGTH)
    targets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    community: str | None = Field(default=None, max_length=CODE_LENGTH, index=True)
    narrative: str | None = Field(default=None, sa_column=Column(SealedText("report.narrative")))
    perpetrator_affiliation: str | None = Field(
        default=None, sa_column=Column(SealedText("report.perpetrator_affiliation"))
    )
    event_date: date | None = None
    event_date_precision: str = Field(default="unknown", max_length=CODE_LENGTH)
    place_text: str | None = Field(default=None, sa_column=Column(SealedText("report.place_text")))
    place_country: str | None = Field(default=None, max_length=2)
    location_id: int | None = Field(default=None, foreign_key="location.id", ondelete="SET NULL", index=True)
    origin_country: str | None = Field(default=None, max_length=2, index=True)
    host_country: str | None = Field(default=None, max_length=2, index=True)
    reporter_name: str | None = Field(default=None, sa_column=Column(SealedText("report.reporter_name")))
    contact: str | None = Field(default=None, sa_column=Column(SealedText("report.contact")))
    # The reporter's public key, derived from the receipt: messages are sealed to it as well as to
    # the organisation, so the reporter reads their thread with the receipt and nothing else.
    reporter_key: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    consent_contact: bool = False
    consent_statistics: bool = False
    consent_partners: bool = False
    urgent_risk: bool = Field(default=False, index=True)
    status: str = Field(default="new", max_length=CODE_LENGTH)
    status_reason: str | None = Field(default=None, max_length=SHORT_TEXT)
    # Only a keyed slow digest of the receipt is kept (DESIGN §3); follow-ups carry none.
    receipt_digest: str | None = Field(default=None, max_length=64, unique=True)
    # A random token from the form, so a retried POST does not create a second report.
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True)
    follow_up_of_id: int | None = Field(
        default=None, foreign_key="report.id", ondelete="CASCADE", index=True
    )
    duplicate_of_id: int | None = Field(default=None, foreign_key="report.id", ondelete="SET NULL")
    assigned_to_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    priority: str = Field(default="normal", max_length=CODE_LENGTH)
    risk_level: str | None = Field(default=None, max_length=CODE_LENGTH)
    verification: str = Field(default="unverified", max_length=CODE_LENGTH)
    last_activity_at: datetime = Field(default_factory=reporter_time)
    retain_until: date | None = None
    is_synthetic: bool = False
    # The tactic codes of ``codes`` again, as tactic_key writes them, so the queue's walks can
    # carry them (a report's codes are rows of their own, which no index of reports can hold):
    # a filter on a tactic rare among a community's urgent reports then reads index entries, not
    # a code lookup per report. Kept as codes are added or removed (``_keep_tactics``; intake and
    # demo-data, which insert codes in bulk, write it with them; migration 0019 filled the rows
    # before it). None means not worked out (a row written by value without it, or made without
    # codes, as a follow-up is): the queue then looks the codes up, so none is ever hidden.
    tactics: str | None = Field(default=None, sa_column=Column(Text))

    codes: list["ReportCode"] = Relationship(
        back_populates="report", cascade_delete=True, sa_relationship_kwargs={"lazy": "selectin"}
    )
    relatives: list["ReportedRelative"] = Relationship(back_populates="report", cascade_delete=True)
    evidence: list["Evidence"] = Relationship(back_populates="report", cascade_delete=True)
    messages: list["Message"] = Relationship(back_populates="report", cascade_delete=True)

    @validates("codes", include_removes=True)
    def _keep_tactics(self, _key: str, code: "ReportCode", is_remove: bool = False) -> "ReportCode":
        """Keep ``tactics`` as a code joins or leaves ``codes`` (called before the change)."""
        if code.vocabulary == "tactic":
            held = set((self.tactics or "|").strip("|").split("|")) - {""}
            self.tactics = tactic_key(held - {code.code} if is_remove else held | {code.code})
        return code


class ReportCode(SQLModel, table=True):
    """One taxonomy code a reporter chose (tactics, channels, demands, perpetrator types)."""

    __tablename__ = "report_code"

    # WITHOUT ROWID on SQLite: the composite key is the row, not a second copy of it.
    __table_args__ = (
        Index("ix_report_code_lookup", "vocabulary", "code", "report_id"),
        {"sqlite_with_rowid": False},
    )

    report_id: int = Field(foreign_key="report.id", primary_key=True, ondelete="CASCADE")
    vocabulary: str = Field(primary_key=True, max_length=CODE_LENGTH)
    code: str = Field(primary_key=True, max_length=CODE_LENGTH)

    report: Report = Relationship(back_populates="codes")


class ReportedRelative(SQLModel, table=True):
    """A relative as the reporter described them, before a caseworker makes them a Person."""

    __tablename__ = "reported_relative"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    relationship_type: str = Field(max_length=CODE_LENGTH)
    residence_country: str | None = Field(default=None, max_length=2)
    residence_place: str | None = Field(
        default=None, sa_column=Column(SealedText("reported_relative.residence_place"))
    )
    # [{"status": code, "date": "YYYY-MM-DD" | null, "precision": code, "sentence_months": n?}],
    # as the reporter told it.
    statuses: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    in_retaliation: str = Field(default="unknown", max_length=CODE_LENGTH)
    details: str | None = Field(default=None, sa_column=Column(SealedText("reported_relative.details")))
    # The person a caseworker made of this relative (or linked it to) when accepting the report,
    # so a later addition about the same relative is proposed as an update to that person.
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL", index=True)

    report: Report = Relationship(back_populates="relatives")


class Evidence(SQLModel, table=True):
    """An uploaded file: sealed on disk under a server-made name, its hash taken at intake."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int | None = Field(default=None, foreign_key="report.id", ondelete="CASCADE", index=True)
    case_id: int | None = Field(default=None, foreign_key="case_file.id", ondelete="SET NULL", index=True)
    sha256: str = Field(max_length=64, index=True)
    mime_type: str = Field(max_length=100)
    size: int
    stored_name: str = Field(max_length=64, unique=True)
    # The copy shown to staff, with metadata (EXIF, GPS, XMP) removed; None if not made.
    clean_stored_name: str | None = Field(default=None, max_length=64)
    original_filename: str | None = Field(
        default=None, sa_column=Column(SealedText("evidence.original_filename"))
    )
    uploaded_at: datetime = Field(default_factory=reporter_time)

    report: Report | None = Relationship(back_populates="evidence")
    custody: list["CustodyEvent"] = Relationship(back_populates="evidence", cascade_delete=True)


class CustodyEvent(SQLModel, table=True):
    """Chain of custody: who received, viewed or downloaded a piece of evidence, and when."""

    __tablename__ = "custody_event"

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    action: str = Field(max_length=CODE_LENGTH)
    at: datetime = Field(default_factory=utcnow)

    evidence: Evidence = Relationship(back_populates="custody")


class Message(SQLModel, table=True):
    """One message in the thread between a reporter (via the receipt) and caseworkers."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    direction: str = Field(max_length=16)  # "to_reporter" or "from_reporter"
    author_id: int | None = Field(default=None, foreign_key="staff_user.id")
    body: str = Field(sa_column=Column(SealedText("message.body"), nullable=False))
    # The same body sealed to the report's reporter key (tracker.intake.messages), for the inbox.
    body_for_reporter: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None

    report: Report = Relationship(back_populates="messages")
