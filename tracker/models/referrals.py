"""Consent to refer a person's case to a UN mechanism or to host-country police (issue 15 item 4)."""

from datetime import date, datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from .base import CODE_LENGTH, utcnow
from .types import SealedText


class ReferralConsent(SQLModel, table=True):
    """Who agreed, when and how, that one person's case may go to one mechanism.

    A report's ``consent_partners`` covers partner organisations, not a UN working group or the
    police, and carries no date or giver: a referral names the person to the authorities, so it
    needs its own dated consent, per mechanism, that can be withdrawn (rows are never deleted).
    """

    __tablename__ = "referral_consent"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", ondelete="CASCADE", index=True)
    # The person the dossier is about (the disappeared relative, or the person threatened abroad).
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    # An intervention_type code: un_wgeid, un_urgent_appeal or referral_host_police.
    mechanism: str = Field(max_length=CODE_LENGTH)
    # Who gave it: the person themself, or a relative when the person cannot (disappeared).
    given_by_person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    given_on: date
    method: str = Field(max_length=CODE_LENGTH)
    note: str | None = Field(default=None, sa_column=Column(SealedText("referral_consent.note")))
    recorded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow)
    withdrawn_at: datetime | None = None
    withdrawn_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
