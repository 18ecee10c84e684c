"""Self-hosted geocoders' answers kept in the database, keyed by a keyed digest of the query."""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from tracker.db import get_engine
from tracker.key_check import KeyringMismatch, require_matching_keyring
from tracker.models import GeocodeCache
from tracker.models.types import Locked

from .match import PlaceMatch

log = logging.getLogger(__name__)


class DatabaseCache:
    """GeocodeCache rows: the query is never stored, only its blind index; the answer is sealed."""

    def __init__(self, provider: str) -> None:
        # The GEOCODER setting (so a new server starts a new cache), cut to the column's size.
        self.provider = provider[:200]

    def digest(self, text: str, country_hint: str | None) -> str:
        """The keyed digest of a query and its hint (tracker.crypto's blind index)."""
        sealer = current_app.extensions["tracker.sealer"]
        return sealer.blind_index("geocode", f"{(country_hint or '').upper()}|{text}")

    def get(self, text: str, country_hint: str | None) -> PlaceMatch | None:
        """A cached answer, or None (also outside an app context)."""
        if not has_app_context():
            return None
        query = select(GeocodeCache).where(
            GeocodeCache.provider == self.provider,
            GeocodeCache.query_digest == self.digest(text, country_hint),
        )
        with self._session() as session:
            row = session.exec(query).first()
            # A cached answer is sealed to the organisation key like the place typed: with nobody
            # signed in (geocoding at intake) it stays locked, and the lookup is simply redone.
            if row is None or not row.result or isinstance(row.result, Locked):
                return None
            return PlaceMatch.from_dict(row.result)

    def put(self, text: str, country_hint: str | None, match: PlaceMatch) -> None:
        """Keep an answer; a concurrent writer's row for the same query wins quietly."""
        if not has_app_context():
            return
        # A GET may geocode and so seal this row: the keyring check cannot wait for a POST here.
        # A cache may go without: with a keyring the database does not know, nothing is kept.
        try:
            require_matching_keyring()
        except KeyringMismatch:
            return
        row = GeocodeCache(provider=self.provider, query_digest=self.digest(text, country_hint),
                           result=match.to_dict())
        with self._session() as session:
            session.add(row)
            try:
                session.commit()
            except SQLAlchemyError as error:
                session.rollback()
                log.info("geocode cache write skipped (%s)", type(error).__name__)

    @staticmethod
    def _session() -> Session:
        """A session of its own, so caching never commits the caller's unfinished work."""
        return Session(get_engine())
