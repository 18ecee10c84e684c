"""Stored counts for the dashboard, so a large database is counted once in a while, not per view.

At a million incidents on SQLite each dashboard table takes tens of seconds to count, and the
counts cannot be pre-summed from finer cells: a person targeted in two months is one person in
their year, so distinct-person counts of a coarse cell do not add up from fine ones. Instead the
dashboard reads each table's counts from ``statistics_snapshot`` while they are younger than
``ANALYTICS_SNAPSHOT_MAX_AGE`` seconds (0 turns snapshots off), and counts and stores them
otherwise; ``flask analytics refresh`` (run from cron) recounts the unfiltered dashboard ahead.

What is stored is the exact result of the live statement, distinct people per cell and in
total, so the person rule holds by construction; disclosure control runs on every read, with
the threshold configured at that moment. Exports and the API always count live.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from ..models import StatisticsSnapshot, utcnow
from .statistics import Counts

DEFAULT_MAX_AGE = 900  # seconds: figures at most a quarter of an hour old


def max_age() -> timedelta:
    """How old stored counts may be before a view recounts them."""
    return timedelta(seconds=int(current_app.config.get("ANALYTICS_SNAPSHOT_MAX_AGE", DEFAULT_MAX_AGE)))


def snapshot_key(definition: Mapping[str, Any]) -> str:
    """A digest of what a table counts (subject, dimensions, filter codes): its snapshot's key."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _encode(counts: Counts) -> str:
    return json.dumps({"total": counts.total, "cells": [[*key, people] for key, people in counts.cells.items()]})


def _decode(text: str) -> Counts:
    document = json.loads(text)
    return Counts({tuple(cell[:-1]): int(cell[-1]) for cell in document["cells"]}, int(document["total"]))


def stored_counts(session: Session, definition: Mapping[str, Any], count: Callable[[], Counts],
                  recount: bool = False) -> tuple[Counts, datetime]:
    """The table's counts and when they were counted: stored ones if fresh, else counted now."""
    age = max_age()
    if not age:
        return count(), utcnow()
    key = snapshot_key(definition)
    stored = None if recount else session.get(StatisticsSnapshot, key)
    if stored is not None and utcnow() - stored.computed_at <= age:
        return _decode(stored.counts), stored.computed_at
    counts, now = count(), utcnow()
    try:
        session.merge(StatisticsSnapshot(key=key, counts=_encode(counts), computed_at=now))
        session.commit()
    except IntegrityError:
        session.rollback()  # another view stored the same table meanwhile: theirs is as good
    except OperationalError:
        # A busy or read-only database costs the next view a recount, never this view its page.
        session.rollback()
        current_app.logger.warning("statistics snapshot not stored: database busy or read-only")
    return counts, now


def forget_expired(session: Session) -> int:
    """Delete snapshots older than the maximum age (filtered views accumulate); returns how many."""
    result = session.execute(delete(StatisticsSnapshot).where(StatisticsSnapshot.computed_at < utcnow() - max_age()))
    session.commit()
    return result.rowcount
