"""PlaceMatch: what every geocoder's answer becomes, rounded to what its precision supports."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

# From coarsest to finest; the order matters to coarsen() and to rounding. "county" is a
# division below the province: a Chinese county or prefecture, a Cambodian or Rwandan district,
# an Eritrean subzone, a Nicaraguan municipality; its point is the seat of government.
PRECISIONS = ("country", "admin1", "county", "city", "neighbourhood", "point")

# Decimal places a precision supports: 1 ≈ 11 km, 2 ≈ 1.1 km, 3 ≈ 110 m. Storing more digits
# than the place's precision would claim (and leak) more than is known. A county keeps two:
# its point is a public seat of government, never where someone lives.
DECIMALS = {"country": 1, "admin1": 1, "county": 2, "city": 2, "neighbourhood": 3, "point": 5}


@dataclass(frozen=True)
class PlaceMatch:
    """A geocoded place: where, how precisely, how sure, and who answered."""

    name: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None
    precision: str
    confidence: float
    gazetteer_id: str
    geocoder: str
    alternatives: tuple[PlaceMatch, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}")
        digits = DECIMALS[self.precision]
        object.__setattr__(self, "lat", round(float(self.lat), digits))
        object.__setattr__(self, "lon", round(float(self.lon), digits))
        object.__setattr__(self, "confidence", round(min(1.0, max(0.0, self.confidence)), 3))

    @property
    def address(self) -> str:
        """A display label: name, division, country code."""
        parts = [self.name]
        if self.admin1 and self.admin1 != self.name:
            parts.append(self.admin1)
        if self.country and self.precision != "country":
            parts.append(self.country)
        return ", ".join(parts)

    def without_alternatives(self) -> PlaceMatch:
        """This match alone, as it appears in another match's alternatives."""
        return replace(self, alternatives=()) if self.alternatives else self

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (alternatives nested), for the cache, the CLI and geopy's raw."""
        data = asdict(self.without_alternatives())
        data.pop("alternatives")
        data["alternatives"] = [alt.to_dict() for alt in self.alternatives]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlaceMatch:
        """Rebuild a match from to_dict()'s output."""
        fields = {k: data.get(k) for k in ("name", "lat", "lon", "country", "admin1",
                                           "precision", "confidence", "gazetteer_id", "geocoder")}
        alternatives = tuple(cls.from_dict(a) for a in data.get("alternatives") or ())
        return cls(**fields, alternatives=alternatives)
