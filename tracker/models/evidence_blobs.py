"""Sealed evidence files kept in the database, for deployments with several app hosts (issue 17)."""

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel


class EvidenceBlob(SQLModel, table=True):
    """One part of one sealed evidence file: the bytes intake sealed, cut into parts of at most
    a mebibyte so no single value grows with the largest upload (tracker/evidence_store.py).

    ``name`` is the server-made stored name an Evidence row points at; there is no foreign key,
    since an original and its clean copy may share one name. No time is kept: a blob is written
    in the same transaction as its Evidence row, whose own time is already coarse (DESIGN §2).
    """

    __tablename__ = "evidence_blob"

    name: str = Field(primary_key=True, max_length=64)
    part: int = Field(primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
