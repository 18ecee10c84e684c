"""Stored counts for the dashboard, so a large database is counted once in a while, not per view.

At a million incidents on SQLite each dashboard cube takes seconds to count, and the counts
cannot be pre-summed from finer cells: a person targeted in two months is one person in their
year, so distinct-person counts of a coarse cell do not add up from fine ones. Instead the
dashboard reads each margin of its cubes (tracker.analytics.tables) from ``statistics_snapshot``
while it is younger than ``ANALYTICS_SNAPSHOT_MAX_AGE`` seconds (0 turns snapshots off), and
counts and stores it otherwise; ``flask analytics refresh`` (run from cron) recounts ahead.
Margins are keyed by subject and dimensions, not filter values, so every filter value shares them.

What is stored is the exact result of the live statement, distinct people per cell, so the
person rule holds by construction; disclosure control runs on every read, with the threshold
configured at that moment. Exports and the API always count live.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
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


def forget_expired(session: Session) -> int:
    """Delete snapshots older than the maximum age (filtered views accumulate); returns how many."""
    result = session.execute(delete(StatisticsSnapshot).where(StatisticsSnapshot.computed_at < utcnow() - max_age()))
    session.commit()
    return result.rowcount


def _encode_cube(cells: Mapping[tuple, int]) -> str:
    return json.dumps({"total": 0, "cells": [[*key, people] for key, people in cells.items()]})


class StoredCubes:
    """A cube source (tracker.analytics.tables) that reads fresh stored margins and counts the rest.

    Margins are keyed by subject and dimensions only, never by filter values: a filtered view is
    a slice of the same cubes, so one count serves every filter value. ``oldest`` is when the
    oldest margin used was counted, which the page shows.
    """

    def __init__(self, recount: bool = False):
        self.recount = recount
        self.oldest = utcnow()

    def __call__(self, session: Session, subject: str, cube: tuple, wanted: list) -> dict:
        from .tables import count_cubes

        found, missing = {}, []
        for margin in wanted:
            stored = None if self.recount or not max_age() else session.get(
                StatisticsSnapshot, snapshot_key({"of": subject, "cube": list(margin)}))
            if stored is not None and utcnow() - stored.computed_at <= max_age():
                found[margin] = _decode(stored.counts).cells
                self.oldest = min(self.oldest, stored.computed_at)
            else:
                missing.append(margin)
        counted, now = count_cubes(session, subject, cube, missing), utcnow()
        if missing and max_age():
            self._store(session, subject, counted, now)
        return {**found, **counted}

    def _store(self, session: Session, subject: str, counted: dict, now: datetime) -> None:
        try:
            for margin, cells in counted.items():
                session.merge(StatisticsSnapshot(key=snapshot_key({"of": subject, "cube": list(margin)}),
                                                 counts=_encode_cube(cells), computed_at=now))
            session.commit()
        except IntegrityError:
            session.rollback()  # another view stored the same margins meanwhile: theirs are as good
        except OperationalError:
            # A busy or read-only database costs the next view a recount, never this view its page.
            session.rollback()
            current_app.logger.warning("statistics snapshot not stored: database busy or read-only")
