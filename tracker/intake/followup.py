"""What a reporter can do with a receipt: find the report, read and answer messages, add
information and evidence, delete everything. Each function commits its own change."""
from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from .. import audit
from ..crypto import RECEIPT_VERSION, Sealer
from ..models import Location, Message, Report
from ..models.inputs import ReportedRelativeCreate
from ..models.base import reporter_time
from ..evidence_store import EvidenceStore
from .evidence import CheckedUpload, evidence_files
from .receipts import normalise_receipt
from ..notify.notices import notify_reporter_reply
from .reporter_key import seal_for_reporter
from .submission import reported_relative, store_uploads

# What a reporter is told about each report status; spam and rejected both read "closed",
# since telling a sender their report was judged spam helps nobody and may help an adversary.
REPORTER_STATUS = {
    "new": "received", "in_triage": "review", "accepted": "accepted",
    "duplicate": "merged", "rejected": "closed", "spam": "closed",
}


def reporter_status(status: str) -> str:
    """The reporter's view of a report status: received, review, accepted, merged or closed."""
    return REPORTER_STATUS.get(status, "review")


def find_by_receipt(session: Session, typed: str, sealer: Sealer) -> Report | None:
    """The original report this receipt opens, or None (wrong, malformed or deleted alike)."""
    receipt = normalise_receipt(typed)
    # Every profile's slow digest runs for every check, malformed input included: computing the
    # old profile only when the current one finds nothing would make a wrong receipt slower than
    # a right one. The 19 MiB profile can leave RECEIPT_PROFILES once no stored digest uses it.
    digests = sealer.receipt_digests(receipt or typed[:40])
    if receipt is None:
        return None
    report = session.exec(select(Report).where(
        Report.receipt_digest.in_(digests.values()), Report.follow_up_of_id.is_(None))).first()
    current = digests[RECEIPT_VERSION]
    if report is not None and report.receipt_digest != current:
        # Issued under an older digest profile: the receipt is in hand now, so store the
        # current digest; once no old digest is left, its profile can be retired.
        report.receipt_digest = current
        session.add(report)
        session.commit()
    return report


def thread(session: Session, report: Report, *, mark_read: bool = True) -> list[Message]:
    """The report's messages, oldest first; caseworker messages shown now are marked read."""
    messages = list(session.exec(
        select(Message).where(Message.report_id == report.id).order_by(Message.id)  # reporter times are coarse
    ))
    unread = [m for m in messages if m.direction == "to_reporter" and m.read_at is None]
    if mark_read and unread:
        now = reporter_time()
        for message in unread:
            message.read_at = now
            session.add(message)
        session.commit()
    return messages


def reply(session: Session, report: Report, body: str) -> Message:
    """Add the reporter's answer to the thread."""
    message = Message(report_id=report.id, direction="from_reporter", body=body,
                      body_for_reporter=seal_for_reporter(report, body))
    message.created_at = report.last_activity_at = reporter_time()
    session.add_all([message, report])
    notify_reporter_reply(session, report)  # in the same transaction as the reply
    session.commit()
    return message


def follow_ups(session: Session, report: Report) -> list[Report]:
    """Additions the reporter made later, oldest first."""
    return list(session.exec(
        select(Report).where(Report.follow_up_of_id == report.id).order_by(Report.submitted_at, Report.id)
    ))


def add_information(session: Session, report: Report, narrative: str | None,
                    uploads: list[CheckedUpload], *, sealer: Sealer, store: EvidenceStore,
                    relatives: Sequence[ReportedRelativeCreate] = ()) -> Report:
    """Keep an addition as a new report linked to the first (reports are immutable, DESIGN §3),
    with any news about relatives as facts (casework proposes them as updates, issue 12)."""
    addition = Report(
        follow_up_of_id=report.id, narrative=narrative, language=report.language,
        intake_channel=report.intake_channel, submitter_role=report.submitter_role,
        consent_contact=report.consent_contact, consent_statistics=report.consent_statistics,
        consent_partners=report.consent_partners, origin_country=report.origin_country,
        host_country=report.host_country,
    )
    written: set[str] = set()
    try:
        addition.evidence = store_uploads(uploads, store, sealer, written)
        addition.relatives = [reported_relative(relative) for relative in relatives]
        report.last_activity_at = reporter_time()
        session.add_all([addition, report])
        session.commit()
    except BaseException:
        session.rollback()
        store.discard(written)
        raise
    return addition


def delete_report(session: Session, report: Report, *, store: EvidenceStore, sealer: Sealer) -> None:
    """Hard-delete the report, its additions, messages, place and evidence files (issue 3, §3)."""
    family = [*follow_ups(session, report), report]
    files = {name for member in family for row in member.evidence for name in evidence_files(row)}
    locations = [member.location_id for member in family if member.location_id]
    report_id = report.id
    for member in family:
        session.delete(member)
    session.flush()
    for location_id in locations:
        location = session.get(Location, location_id)
        if location is not None:
            session.delete(location)
    audit.record(session, "report.deleted", actor="reporter", object_type="report",
                 object_id=report_id, sealer=sealer)
    session.commit()
    # Files go after the commit: a failed commit must not leave rows pointing at nothing.
    store.erase(files)
