"""Building the configured geocoder from the GEOCODER setting: offline, or a self-hosted service."""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from geopy.geocoders.base import Geocoder

    from .offline import OfflineGeocoder
    from .selfhosted import MatchCache

# The services' geopy clients are imported only when one is built: importing geopy imports all
# its geocoders and requests (a tenth of a second), and every start-up checks the setting here
# while the offline default needs neither (issue 17: start-up).
PROVIDERS = ("nominatim", "photon", "pelias")
# Public instances: sending a victim's place name there leaks it (DESIGN §2, "nothing leaves
# the server unasked"). Only the organisation's own service may be configured.
PUBLIC_HOSTS = frozenset({
    "nominatim.openstreetmap.org", "photon.komoot.io", "api.geocode.earth",
    "nominatim.geocoding.ai", "geocode.maps.co", "api.openrouteservice.org",
})
USER_AGENT = "tracker-geocoder"


class GeocoderSettingError(ValueError):
    """GEOCODER names no supported service, has no URL, or points at a public service."""


def parse_setting(setting: str | None) -> tuple[str, str | None]:
    """"offline" -> ("offline", None); "nominatim:http://10.0.0.5:8080" -> ("nominatim", url)."""
    value = (setting or "offline").strip()
    if value == "offline":
        return "offline", None
    provider, _, url = value.partition(":")
    provider = provider.strip().lower()
    if provider not in PROVIDERS:
        raise GeocoderSettingError(f"GEOCODER must be offline or one of {sorted(PROVIDERS)} with a URL")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GeocoderSettingError(f"GEOCODER {provider}: needs the URL of your own server")
    if parts.hostname.lower() in PUBLIC_HOSTS:
        raise GeocoderSettingError(f"GEOCODER {provider}: {parts.hostname} is a public service")
    return provider, url.strip()


def make_client(provider: str, url: str) -> Geocoder:
    """geopy's client for a self-hosted service at a URL (path prefixes are kept)."""
    from geopy.geocoders import Nominatim, Pelias, Photon

    parts = urlsplit(url)
    domain = parts.netloc + parts.path.rstrip("/")
    common = {"scheme": parts.scheme, "user_agent": USER_AGENT, "timeout": 5}
    if provider == "pelias":
        return Pelias(domain, **common)
    return {"nominatim": Nominatim, "photon": Photon}[provider](domain=domain, **common)


def build_geocoder(setting: str | None, min_delay: float = 1.0, *,
                   offline: OfflineGeocoder | None = None,
                   cache: MatchCache | None = None) -> Geocoder:
    """The geocoder a setting names; self-hosted ones are rate-limited, cached and backed by offline."""
    from .offline import OfflineGeocoder
    from .selfhosted import SelfHostedGeocoder

    provider, url = parse_setting(setting)
    offline = offline or OfflineGeocoder()
    if url is None:
        return offline
    return SelfHostedGeocoder(provider, make_client(provider, url), offline, min_delay, cache)
