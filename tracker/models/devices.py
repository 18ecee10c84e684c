"""Credentials of the devices that send reports gathered offline (ODK Collect, Kobo, Tella)."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


class DeviceCredential(SQLModel, table=True):
    """A revocable credential staff issue to one collection device (issue 15 item 2).

    The secret is shown once and only its keyed digest is kept, so a copy of the database yields
    no usable credential. Nothing here, and nothing on a report, links a report to the device
    that sent it: a seized database must not say which reports one field worker gathered
    (README "Offline collection"). The last use is kept to the day, so staff can spot a device
    that is lost or used where it should not be, without a time that matches a report's.
    """

    __tablename__ = "device_credential"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)  # a random handle, typed into the client
    label: str = Field(max_length=100)  # staff's name for the device, never a person's name
    secret_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    revoked_at: datetime | None = None
    revoked_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    last_used_on: date | None = None
