"""A self-hosted geocoder behind geopy's RateLimiter, cached, falling back to the offline one."""
from __future__ import annotations

import logging
from typing import Any, Protocol

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from .match import PlaceMatch
from .offline import OfflineGeocoder, best_with_alternatives, to_location
from .remote import to_match

log = logging.getLogger(__name__)


class MatchCache(Protocol):
    """Where answers are kept between lookups (see cache.DatabaseCache)."""

    def get(self, text: str, country_hint: str | None) -> PlaceMatch | None: ...

    def put(self, text: str, country_hint: str | None, match: PlaceMatch) -> None: ...


class SelfHostedGeocoder(Geocoder):
    """Asks the organisation's own service; on failure or no answer, the offline gazetteer."""

    def __init__(self, provider: str, client: Geocoder, fallback: OfflineGeocoder,
                 min_delay: float, cache: MatchCache | None = None) -> None:
        super().__init__()
        self.provider = provider  # e.g. "nominatim", recorded as the answering geocoder
        self.client, self.fallback, self.cache = client, fallback, cache
        # No retries and no swallowed errors: a failure goes straight to the offline fallback.
        limits: dict[str, Any] = {"min_delay_seconds": min_delay, "max_retries": 0, "swallow_exceptions": False}
        self._geocode = RateLimiter(client.geocode, **limits)
        self._reverse = RateLimiter(client.reverse, **limits)

    def resolve(self, text: str, country_hint: str | None = None) -> PlaceMatch | None:
        """Best match with alternatives: from the cache, the service, or the gazetteer."""
        cached = self.cache.get(text, country_hint) if self.cache else None
        if cached is not None:
            return cached
        try:
            locations = self._geocode(text, exactly_one=False, **self._query_args(country_hint))
        except GeopyError as error:
            # The query is personal data: log the failure, never the text.
            log.warning("%s geocoder failed (%s); using the offline gazetteer", self.provider, type(error).__name__)
            return self.fallback.resolve(text, country_hint)
        match = self._best(locations or [], country_hint)
        if match is None:
            return self.fallback.resolve(text, country_hint)
        if self.cache:
            self.cache.put(text, country_hint, match)
        return match

    def _query_args(self, country_hint: str | None) -> dict[str, Any]:
        """Per-service arguments: Nominatim's address details, and the country hint where the
        service takes one (Photon has no such parameter; its answers are re-sorted instead)."""
        args: dict[str, Any] = {"addressdetails": True} if self.provider == "nominatim" else {}
        if country_hint and self.provider == "nominatim":
            args["country_codes"] = country_hint.lower()
        elif country_hint and self.provider == "pelias":
            args["countries"] = [country_hint.upper()]
        return args

    def _best(self, locations: list[Location], country_hint: str | None) -> PlaceMatch | None:
        """Convert the service's answers, putting those in the hinted country first."""
        share = 1.0 / max(1, len(locations)) ** 0.5  # several answers: each is less certain
        matches = [to_match(self.provider, loc, share) for loc in locations]
        if country_hint:
            matches.sort(key=lambda m: m.country != country_hint.upper())
        return best_with_alternatives(matches)

    def geocode(self, query: str, *, exactly_one: bool = True, country_codes: Any = None,
                timeout: Any = None) -> Location | list[Location] | None:
        """geopy's forward geocoding through resolve()."""
        if isinstance(country_codes, (list, tuple)):
            country_codes = country_codes[0] if country_codes else None
        match = self.resolve(str(query), country_codes)
        if match is None:
            return None
        if exactly_one:
            return to_location(match)
        return [to_location(m) for m in (match.without_alternatives(), *match.alternatives)]

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = None) -> Any:
        """geopy's reverse geocoding from the service, or the gazetteer when it fails."""
        try:
            found = self._reverse(query, exactly_one=exactly_one)
        except GeopyError as error:
            log.warning("%s reverse geocoding failed (%s); using the offline gazetteer",
                        self.provider, type(error).__name__)
            found = None
        return found if found else self.fallback.reverse(query, exactly_one=exactly_one)
