"""Incidents: recording them with the full taxonomy, their source reports and links between them."""
from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from ..audit import record
from ..models import Incident, IncidentCode, IncidentLink, IncidentReport, Report, utcnow
from ..models.inputs import IncidentCreate
from .errors import Conflict, NotFound, get_or_not_found

INCIDENT_FIELDS = ("title", "summary", "primary_tactic", "community", "origin_country", "host_country",
                   "transit_country", "start_date", "start_precision", "end_date", "end_precision", "host_state_role",
                   "verification", "severity")
CODED = ("tactic", "channel", "demand")


def get_incident(session: Session, incident_id: int) -> Incident:
    """The incident with this id; NotFound if there is none."""
    return get_or_not_found(session, Incident, incident_id, "incident")


def create_incident(session: Session, data: IncidentCreate, *, user_id: int | None,
                    report_ids: Iterable[int] = (), perpetrator_types: Iterable[str] = ()) -> Incident:
    """Record an incident from checked input, citing the reports it draws on."""
    reports = _cited_reports(session, report_ids)
    incident = Incident(created_by_id=user_id, **{name: getattr(data, name) for name in INCIDENT_FIELDS})
    incident.codes = _codes(data, perpetrator_types)
    session.add(incident)
    session.flush()
    for report in reports:
        session.add(IncidentReport(incident_id=incident.id, report_id=report.id))
        if report.status in ("new", "in_triage"):  # a cited report has been used: it leaves the queue
            report.status = "accepted"
            report.last_activity_at = utcnow()
            session.add(report)
    session.flush()
    record(session, "incident.create", user_id=user_id, object_type="incident", object_id=incident.id)
    return incident


def _cited_reports(session: Session, report_ids: Iterable[int]) -> list[Report]:
    """The reports an incident will cite; NotFound names the first unknown id (not a database error)."""
    reports = []
    for report_id in dict.fromkeys(report_ids):
        report = session.get(Report, report_id)
        if report is None:
            raise NotFound(f"report {report_id}")
        reports.append(report)
    return reports


def update_incident(session: Session, incident: Incident, data: IncidentCreate, *, user_id: int | None,
                    perpetrator_types: Iterable[str] = ()) -> Incident:
    """Replace an incident's fields and codes with checked input."""
    for name in INCIDENT_FIELDS:
        setattr(incident, name, getattr(data, name))
    incident.codes = _codes(data, perpetrator_types)
    incident.updated_at = utcnow()
    session.add(incident)
    session.flush()
    record(session, "incident.update", user_id=user_id, object_type="incident", object_id=incident.id)
    return incident


def _codes(data: IncidentCreate, perpetrator_types: Iterable[str]) -> list[IncidentCode]:
    """The code rows of an incident: tactics (the primary among them), channels, demands, perpetrators."""
    rows = [IncidentCode(vocabulary=v, code=c) for v in CODED for c in dict.fromkeys(getattr(data, v + "s"))]
    rows += [IncidentCode(vocabulary="perpetrator_type", code=c) for c in dict.fromkeys(perpetrator_types)]
    return rows


def link_incidents(session: Session, from_id: int, to_id: int, link_type: str, *,
                   user_id: int | None) -> IncidentLink:
    """Record that one incident caused, followed or relates to another."""
    if from_id == to_id:
        raise Conflict("an incident cannot be linked to itself")
    get_incident(session, from_id)
    get_incident(session, to_id)
    exists = session.exec(select(IncidentLink.id).where(
        IncidentLink.from_incident_id == from_id, IncidentLink.to_incident_id == to_id,
        IncidentLink.link_type == link_type,
    )).first()
    if exists is not None:
        raise Conflict("these incidents are already linked this way")
    link = IncidentLink(from_incident_id=from_id, to_incident_id=to_id, link_type=link_type)
    session.add(link)
    session.flush()
    record(session, "incident.link", user_id=user_id, object_type="incident", object_id=from_id,
           detail={"to_incident_id": to_id, "link_type": link_type})
    return link


def source_report_ids(session: Session, incident_id: int) -> list[int]:
    """Ids of the reports an incident draws on."""
    return list(session.exec(select(IncidentReport.report_id).where(
        IncidentReport.incident_id == incident_id).order_by(IncidentReport.report_id)).all())


def incident_links(session: Session, incident_id: int) -> list[IncidentLink]:
    """Links from and to this incident."""
    return list(session.exec(select(IncidentLink).where(
        (IncidentLink.from_incident_id == incident_id) | (IncidentLink.to_incident_id == incident_id)
    ).order_by(IncidentLink.id)).all())


def incident_values(incident: Incident) -> dict:
    """An incident's editable values, in the shape of a draft from a report (for the editor)."""
    values = {name: getattr(incident, name) for name in INCIDENT_FIELDS}
    values.update({v + "s": incident.codes_of(v) for v in CODED})
    values["perpetrator_types"] = incident.codes_of("perpetrator_type")
    return values
