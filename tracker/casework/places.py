"""Where an incident happened: candidates from the configured geocoder, and the caseworker's choice."""
from __future__ import annotations

from sqlmodel import Session

from ..audit import record
from ..geo import PlaceMatch, apply_match, resolve_place
from ..models import Incident, Location
from .errors import NotFound


def place_candidates(text: str, country_hint: str | None = None) -> list[PlaceMatch]:
    """The geocoder's best match for the text and its alternatives, best first."""
    match = resolve_place(text, country_hint)
    return [] if match is None else [match, *match.alternatives]


def set_incident_place(session: Session, incident: Incident, text: str, country_hint: str | None,
                       gazetteer_id: str, *, user_id: int | None) -> Location:
    """Geocode the incident to the candidate the caseworker chose; the typed text stays sealed."""
    chosen = next((m for m in place_candidates(text, country_hint) if m.gazetteer_id == gazetteer_id), None)
    if chosen is None:
        raise NotFound("that place is not among the candidates")
    location = Location(raw_text=text, country_hint=country_hint)
    apply_match(location, chosen, manual=True)
    session.add(location)
    session.flush()
    incident.location_id = location.id
    session.add(incident)
    session.flush()
    record(session, "incident.place", user_id=user_id, object_type="incident", object_id=incident.id,
           detail={"location_id": location.id, "precision": location.precision})
    return location
