"""Key check values: which data keys sealed this database's values, without storing the keys."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


class DataKeyCheck(SQLModel, table=True):
    """A value derived one way from a data key (see tracker.key_check), recorded per key id.

    A keyring whose key under the same id derives a different value is the wrong key: the app
    refuses to seal anything with it. A retired key's row stays, so that key id is never taken
    to mean another key again.
    """

    __tablename__ = "data_key_check"

    key_id: str = Field(primary_key=True, max_length=64)
    check_value: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow)
    retired_at: datetime | None = Field(default=None)
