"""Where an incident happened: candidates from the configured geocoder, and the caseworker's choice."""
from __future__ import annotations

from sqlmodel import Session

from ..audit import record
from ..geo import PlaceMatch, apply_match, correct_by_hand, get_offline_geocoder, resolve_place
from ..models import Incident, Location
from .errors import CaseworkError, NotFound


def place_candidates(text: str, country_hint: str | None = None) -> list[PlaceMatch]:
    """The geocoder's best match for the text and its alternatives, best first."""
    match = resolve_place(text, country_hint)
    return [] if match is None else [match, *match.alternatives]


def place_ids_named(text: str) -> list[str]:
    """Gazetteer ids of the places the offline gazetteer knows by this name, in any script.

    Only name matches count (exact, alias, alternate name, region), never typo guesses: a queue
    search for a person's name must not turn up reports from a town spelled a letter away. The
    offline gazetteer answers, so the words searched never leave the server (DESIGN §2).
    """
    match = get_offline_geocoder().resolve(text) if text.strip() else None
    if match is None:
        return []
    return [m.gazetteer_id for m in (match, *match.alternatives) if not m.geocoder.endswith(":fuzzy")]


def set_incident_place(session: Session, incident: Incident, text: str, country_hint: str | None,
                       gazetteer_id: str, *, user_id: int | None) -> Location:
    """Geocode the incident to the candidate the caseworker chose; the typed text stays sealed."""
    chosen = next((m for m in place_candidates(text, country_hint) if m.gazetteer_id == gazetteer_id), None)
    if chosen is None:
        raise NotFound("that place is not among the candidates")
    location = Location(raw_text=text, country_hint=country_hint)
    apply_match(location, chosen, manual=True)
    return _place_incident(session, incident, location, "incident.place", user_id)


def _place_incident(session: Session, incident: Incident, location: Location, action: str,
                    user_id: int | None) -> Location:
    """Store the new Location, point the incident at it and audit the change."""
    session.add(location)
    session.flush()
    incident.location_id = location.id
    session.add(incident)
    session.flush()
    record(session, action, user_id=user_id, object_type="incident", object_id=incident.id,
           detail={"location_id": location.id, "precision": location.precision})
    return location


# A caseworker may place a point no finer than a neighbourhood: exact points of where someone
# lives or was seized are what the adversary wants, and exports coarsen further (DESIGN §5).
HAND_PRECISIONS = ("country", "admin1", "county", "city", "neighbourhood")


def correct_incident_place(session: Session, incident: Incident, lat: float, lon: float, precision: str,
                           name: str | None, *, user_id: int | None) -> Location:
    """Place the incident by hand where the gazetteer has no answer; recorded as manual."""
    if precision not in HAND_PRECISIONS:
        raise CaseworkError("choose a precision from country to neighbourhood")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CaseworkError("latitude must be within ±90 and longitude within ±180")
    location = Location(raw_text=name)
    correct_by_hand(location, lat, lon, precision, name=name or None)
    return _place_incident(session, incident, location, "incident.place_by_hand", user_id)
