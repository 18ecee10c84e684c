"""Domain operations on reports as their reporter sees them: submit, add to, answer, delete.

Each takes the database session explicitly and commits once, so a report, its codes, its
relatives, its evidence rows and its place arrive together or not at all (issue 3, §5).
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import audit
from ..crypto import Sealer
from ..geo import geocode_location
from ..models import Location, Report, ReportCode, ReportedRelative
from ..notify.notices import notify_urgent_report
from ..limits import counters
from ..models.base import reporter_time
from ..models.direct import insert_returning_id, insert_rows
from ..models.reports import tactic_key
from ..models.inputs import ReportCreate
from ..models.types import Locked, SealedJSON, SealedText, engine_keyring
from ..evidence_store import EvidenceStore
from .evidence import CheckedUpload, evidence_files, store_evidence
from .receipts import idempotency_digest, receipt_from_token
from .reporter_key import reporter_public_key

logger = logging.getLogger(__name__)

# Vocabulary name in report_code -> the ReportCreate field holding its codes.
CODE_FIELDS = {"tactic": "tactics", "channel": "channels", "demand": "demands",
               "perpetrator_type": "perpetrator_types"}
# How long a retried POST may show the receipt again. After that, someone holding the old form
# (a back button on a shared device) must not be able to get the receipt (DESIGN §2).
REPLAY_WINDOW = timedelta(minutes=15)
PLAIN_FIELDS = ("language", "intake_channel", "submitter_role", "targets", "community",
                "perpetrator_affiliation", "event_date", "event_date_precision", "place_text",
                "place_country", "origin_country", "host_country", "narrative", "reporter_name",
                "contact", "consent_contact", "consent_statistics", "consent_partners", "urgent_risk")


def submit_report(session: Session, data: ReportCreate, *, idempotency_key: str,
                  evidence_files: list[CheckedUpload], sealer: Sealer,
                  store: EvidenceStore) -> tuple[int, str | None]:
    """Insert a report atomically; a retry with the same token finds the first report.

    Returns the report's id and its receipt: the receipt for a new report, and for a retry
    within REPLAY_WINDOW; later retries get None (the view then says "already sent, use your
    receipt").

    Everything slow happens before the first write: the digests, the reporter key, geocoding and
    sealing each personal value. A write on SQLite holds the database's one write lock until
    commit, so work done in between is work no other submission can do meanwhile (issue 17).
    The rows then go in as plain INSERT statements, in one short burst before the commit.
    """
    # The rows go in as plain INSERTs of values sealed here, past the sealed column types, so the
    # check those types make is made here: a database engine without its keyring stores nothing.
    engine_keyring(session.get_bind().dialect)
    key_digest = idempotency_digest(sealer, idempotency_key)
    receipt = receipt_from_token(sealer, idempotency_key)
    # Insert first and let the unique retry-token digest catch a retry: retries are rare, and
    # looking the token up before every insert cost each new report a query.
    report = sealed_values(Report, {**{name: getattr(data, name) for name in PLAIN_FIELDS},
                                    "idempotency_key": key_digest, "receipt_digest": sealer.receipt_digest(receipt),
                                    "reporter_key": reporter_public_key(sealer, receipt),
                                    "tactics": tactic_key(data.tactics)}, sealer)
    codes = [{"vocabulary": vocabulary, "code": code} for vocabulary, field in CODE_FIELDS.items()
             for code in dict.fromkeys(getattr(data, field))]
    relatives = [sealed_values(ReportedRelative, relative_values(relative), sealer) for relative in data.relatives]
    location = _place_of(data, sealer)
    written: set[str] = set()
    try:
        evidence = store_uploads(evidence_files, store, sealer, written)
        connection = session.connection()  # plain inserts through the driver (models.direct)
        if location is not None:
            report["location_id"] = insert_returning_id(connection, Location.__table__, location)
        report_id = insert_returning_id(connection, Report.__table__, report)
        insert_rows(connection, ReportCode.__table__, [{**code, "report_id": report_id} for code in codes])
        insert_rows(connection, ReportedRelative.__table__,
                    [{**relative, "report_id": report_id} for relative in relatives])
        for row in evidence:
            row.report_id = report_id
        session.add_all(evidence)
        if data.urgent_risk:  # committed with the report, or not at all
            notify_urgent_report(session, Report(id=report_id, community=data.community, urgent_risk=True))
        audit.record_many(session, [audit.event_values("report.submitted", actor="reporter", object_type="report",
                                                       object_id=report_id, detail={"channel": data.intake_channel})],
                          sealer=sealer)
        session.commit()
        _remember_receipt(key_digest)
    except IntegrityError:
        # A retry: an earlier POST with the same token (possibly still running) made the report.
        # Keep that one and drop ours.
        session.rollback()
        store.discard(written)
        existing = _by_idempotency(session, key_digest)
        if existing is None:
            raise
        return existing, _replayable(key_digest, receipt)
    except BaseException:
        session.rollback()
        store.discard(written)
        raise
    return report_id, receipt


def sealed_values(model, values: dict[str, Any], sealer: Sealer) -> dict[str, Any]:
    """A row's column values with every personal value sealed now, for a plain INSERT.

    The sealed column types would seal during the write (inside the transaction, under SQLite's
    write lock); sealed here, each goes in as a value the server holds but cannot open (Locked).
    """
    columns = model.__table__.columns
    for name, value in values.items():
        kind = columns[name].type
        if value is not None and isinstance(kind, SealedText | SealedJSON) and not isinstance(value, Locked):
            token = sealer.seal_text(kind.purpose, value) if isinstance(kind, SealedText) \
                else sealer.seal_json(kind.purpose, value)
            values[name] = Locked(kind.purpose, token)
    return values


def store_uploads(uploads: list[CheckedUpload], store: EvidenceStore, sealer: Sealer,
            written: set[str]) -> list:
    """Seal each checked upload into the store; note the files written so a failure can discard them."""
    rows = []
    for checked in uploads:
        row = store_evidence(checked, store=store, sealer=sealer, keep_original=store.keep_image_originals)
        written |= evidence_files(row)
        rows.append(row)
    return rows


def _place_of(data: ReportCreate, sealer: Sealer) -> dict[str, Any] | None:
    """The Location row for the typed place, geocoded on the spot by the configured geocoder.

    The default geocoder is offline, so the typed text never leaves the server (DESIGN §5); a
    self-hosted one falls back to it. If geocoding fails for any reason the report is still
    saved and the place stays "pending" for `flask geocode pending`: a place is never worth a
    lost report.
    """
    if not (data.place_text or data.place_country):
        return None
    # The row's values on a plain object: geocode_location only reads and sets its attributes,
    # and an ORM Location costs a tenth of a millisecond to build for a row inserted by value.
    location = SimpleNamespace(**{**_location_defaults(), "raw_text": data.place_text,
                                  "country_hint": data.place_country})
    if data.place_text:
        try:
            geocode_location(location)
        except Exception as exc:  # noqa: BLE001 - a geocoder fault leaves the place pending, never the report unsaved
            # Only the error's type is logged: its message could quote the place (DESIGN §2).
            logger.warning("geocoding at submission failed (%s); the place stays pending", type(exc).__name__)
            location.status = "pending"
    if location.geocoded_at is not None:  # geocoded now: as coarse as the report's own time
        location.geocoded_at = reporter_time()
    return sealed_values(Location, vars(location), sealer)


@cache
def _location_defaults() -> dict[str, Any]:
    """A new Location's column values (status "pending", the rest empty), read once from the model."""
    blank = Location()
    return {column.name: getattr(blank, column.name) for column in Location.__table__.columns if column.name != "id"}


def _by_idempotency(session: Session, key_digest: str) -> int | None:
    """The id of the report a previous POST with this token created, if any."""
    return session.exec(select(Report.id).where(Report.idempotency_key == key_digest)).first()


def _remember_receipt(key_digest: str) -> None:
    """Let retries of this submission show the receipt for REPLAY_WINDOW. The time is kept in
    the expiring counters (memory or Redis), not the database: submitted_at is only to the
    hour (reporter_time), and a finer stored time would correlate with network logs."""
    counters().incr(f"receipt-replay/{key_digest}", int(REPLAY_WINDOW.total_seconds()) + 1, amount=int(time.time()))


def _replayable(key_digest: str, receipt: str) -> str | None:
    """The receipt, if the first submission is recent enough to show it again."""
    sent = counters().get(f"receipt-replay/{key_digest}")
    return receipt if sent and time.time() - sent <= REPLAY_WINDOW.total_seconds() else None


def relative_values(relative) -> dict[str, Any]:
    """A reported relative's column values from its checked input; statuses kept as told."""
    statuses = [{"status": s.status,
                 "date": s.status_date.isoformat() if s.status_date else None,
                 "precision": s.date_precision,
                 **({"sentence_months": s.sentence_months} if s.sentence_months is not None else {})}
                for s in relative.statuses]
    return {"relationship_type": relative.relationship_type, "residence_country": relative.residence_country,
            "residence_place": relative.residence_place, "statuses": statuses,
            "in_retaliation": relative.in_retaliation, "details": relative.details}


def reported_relative(relative) -> ReportedRelative:
    """A ReportedRelative row from its checked input (for an addition to a report)."""
    return ReportedRelative(**relative_values(relative))
