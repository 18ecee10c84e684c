"""Stored counts of the analyst dashboard's tables, so a large database is not re-counted per view."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from .base import utcnow


class StatisticsSnapshot(SQLModel, table=True):
    """One statistics table for one set of filters, as counted at ``computed_at``.

    The counts are distinct people per cell and in total, before disclosure control, which is
    applied every time they are shown (tracker.analytics.disclosure), never stored. No personal
    data: the key is a digest of the table's definition (dimensions and filter codes).
    """

    __tablename__ = "statistics_snapshot"

    key: str = Field(primary_key=True, max_length=64)
    counts: str = Field(sa_column=Column(Text, nullable=False))  # JSON: {"total": n, "cells": [[v, ..., n]]}
    computed_at: datetime = Field(default_factory=utcnow, index=True)
