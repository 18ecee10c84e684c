"""The domain model (DESIGN §3) as SQLModel tables, by area.

Modules here do not use ``from __future__ import annotations``: SQLModel reads the annotations of
relationships at class creation and cannot resolve postponed ones.
"""
from .audit import AuditEvent
from .base import utcnow
from .cases import Case, CaseNote, CasePerson, Intervention
from .devices import DeviceCredential
from .evidence_blobs import EvidenceBlob
from .exchange import ExchangeIdentity, ExchangePackage, ExchangeRecord, Partner
from .imports import ImportedRow
from .incidents import Incident, IncidentCode, IncidentLink, IncidentReport, Involvement
from .keys import DataKeyCheck, OrganisationKey
from .notify import FollowUp, Notification
from .people import Person, PersonNameToken, PersonRelationship, RelativeStatus
from .places import GeocodeCache, Location
from .referrals import ReferralConsent
from .reports import CustodyEvent, Evidence, Message, Report, ReportCode, ReportedRelative
from .searches import SavedSearch
from .staff import AccessRequest, ApiToken, ReceiptSession, RecoveryCode, StaffSession, User
from .statistics import StatisticsMargin
from .verification import ClaimSource

__all__ = [
    "ApiToken", "AuditEvent", "Case", "CaseNote", "CasePerson", "CustodyEvent", "DataKeyCheck", "Evidence",
    "GeocodeCache", "Incident", "IncidentCode", "IncidentLink", "IncidentReport", "Intervention",
    "Involvement", "Location", "Message", "Person", "PersonNameToken", "PersonRelationship",
    "RecoveryCode", "RelativeStatus", "Report", "ReportCode", "ReportedRelative", "StaffSession",
    "StatisticsMargin", "User", "utcnow",
    "ClaimSource", "OrganisationKey", "ReceiptSession", "AccessRequest", "FollowUp", "Notification", "SavedSearch",
    "ImportedRow", "EvidenceBlob", "ReferralConsent", "DeviceCredential",
    "ExchangeIdentity", "ExchangePackage", "ExchangeRecord", "Partner",
]
