"""The reporter API: submit a report, and with its receipt read the status and messages,
answer, add information and evidence, or delete it. Same validation, limits and storage as the
web form (tracker.intake); the receipt travels in the X-Receipt header, never in a URL, since
URLs end up in proxy logs and browser histories.
"""
from __future__ import annotations

import json
import re
import secrets
from functools import wraps

from flask import jsonify, request
from flask_babel import gettext
from pydantic import ValidationError

from .. import keyholder, taxonomy
from ..crypto import get_sealer
from ..db import get_session
from ..models.base import LONG_TEXT
from ..models.inputs import MessageCreate, ReportCreate
from ..intake.evidence import EvidenceRejected
from ..intake.followup import (
    add_information, delete_report, find_by_receipt, follow_ups, reply, reporter_status, thread,
)
from ..intake.submission import submit_report
from ..intake.uploads import checked_uploads, evidence_store, rejection_message
from ..intake.validation import message_for
from ..intake.reporter_key import KID as REPORTER_KID, readable_body, reporter_key_for
from ..intake.throttle import receipt_limits, submission_limits
from . import bp

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def error(code: str, message: str, status: int, fields: dict[str, str] | None = None):
    """A JSON error in the shape of the Error schema."""
    body = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(body), status


def with_receipt(view):
    """Open the report named by the X-Receipt header; wrong and deleted look the same."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        db, typed = get_session(), request.headers.get("X-Receipt", "")
        report = find_by_receipt(db, typed, get_sealer())
        if report is None:
            return error("not_found", gettext("We could not open a report with this receipt."), 404)
        # The receipt opens the reporter's own key, for this request only (their messages).
        keyholder.hold_for_request(REPORTER_KID, reporter_key_for(db, get_sealer(), report, typed))
        return view(report, *args, **kwargs)
    return wrapper


@bp.post("/reports")
@submission_limits()
def api_submit_report():
    """Submit a report, as JSON or, with evidence files, as multipart; an Idempotency-Key
    header makes retries safe."""
    key = request.headers.get("Idempotency-Key") or secrets.token_urlsafe(24)
    if not IDEMPOTENCY_KEY.match(key):
        return error("bad_idempotency_key", gettext("The Idempotency-Key must be 22 to 64 letters, "
                                                    "digits, dashes or underscores."), 400)
    payload = _report_payload()
    if not isinstance(payload, dict):
        return error("bad_request", gettext("Send the report as a JSON object."), 400)
    try:
        data = ReportCreate.model_validate({**payload, "intake_channel": "api"})
    except ValidationError as exc:
        return validation_error(exc)
    try:
        uploads = checked_uploads(request.files.getlist("evidence"))
    except EvidenceRejected as rejected:
        return error("evidence_rejected", rejection_message(rejected), 422)
    _, receipt = submit_report(get_session(), data, idempotency_key=key, evidence_files=uploads,
                               sealer=get_sealer(), store=evidence_store())
    if receipt is None:
        return error("already_submitted", gettext("This report was already sent earlier."), 409)
    return jsonify({"receipt": receipt, "status": "received"}), 201


def _report_payload():
    """The report as sent: the JSON body, or the JSON text of the ``report`` part of a
    multipart body that also carries ``evidence`` files (so a partner's tool can send a report
    and its files in one atomic request, as the web form does). None if it is not JSON."""
    if request.mimetype != "multipart/form-data":
        return request.get_json(silent=True)
    try:
        return json.loads(request.form.get("report", ""))
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse: a 400
        return None


def validation_error(exc: ValidationError):
    """Per-field translated messages, keyed by the dotted path of the field."""
    fields: dict[str, str] = {}
    for item in exc.errors():
        path = ".".join(str(part) for part in item["loc"]) or "body"
        fields.setdefault(path, message_for(item, str(item["loc"][-1]) if item["loc"] else "body"))
    return error("validation", gettext("Some fields need checking."), 422, fields)


@bp.get("/receipt/report")
@receipt_limits()
@with_receipt
def api_report_status(report):
    """The report's status as its reporter may see it."""
    messages = thread(get_session(), report, mark_read=False)
    return jsonify({
        "status": reporter_status(report.status),
        "submitted_at": report.submitted_at.isoformat(),
        "urgent_risk": report.urgent_risk,
        "additions": len(follow_ups(get_session(), report)),
        "unread_messages": sum(1 for m in messages if m.direction == "to_reporter" and m.read_at is None),
    })


@bp.get("/receipt/messages")
@receipt_limits()
@with_receipt
def api_list_messages(report):
    """The message thread, oldest first; caseworker messages are marked read."""
    messages = thread(get_session(), report)
    return jsonify({"messages": [
        {"direction": m.direction, "body": readable_body(m), "created_at": m.created_at.isoformat()}
        for m in messages]})


@bp.post("/receipt/messages")
@receipt_limits()
@with_receipt
def api_reply(report):
    """Answer the caseworker."""
    try:
        message = MessageCreate.model_validate(request.get_json(silent=True) or {})
    except ValidationError as exc:
        return validation_error(exc)
    reply(get_session(), report, message.body)
    return jsonify({"status": "sent"}), 201


@bp.post("/receipt/additions")
@receipt_limits()
@with_receipt
def api_add_information(report):
    """Add information (form field ``narrative``) and evidence files (``evidence``)."""
    narrative = (request.form.get("narrative") or "").strip() or None
    try:
        uploads = checked_uploads(request.files.getlist("evidence"))
    except EvidenceRejected as rejected:
        return error("evidence_rejected", rejection_message(rejected), 422)
    if narrative and len(narrative) > LONG_TEXT:
        return error("validation", gettext("This is too long."), 422, {"narrative": gettext("This is too long.")})
    if narrative is None and not uploads:
        return error("empty", gettext("Write something or choose a file to add."), 422)
    add_information(get_session(), report, narrative, uploads, sealer=get_sealer(), store=evidence_store())
    return jsonify({"status": "added", "files": len(uploads)}), 201


@bp.delete("/receipt/report")
@receipt_limits()
@with_receipt
def api_delete_report(report):
    """Delete the report, its additions, messages and files, for good."""
    delete_report(get_session(), report, store=evidence_store(), sealer=get_sealer())
    return "", 204


@bp.errorhandler(429)
def api_rate_limited(_error):
    """A JSON answer when a limit is hit."""
    return error("rate_limited", gettext("Too many attempts in a short time. Wait a few minutes "
                                         "and try again."), 429)


# --- OpenAPI fragments (merged by tracker.api.openapi; a test checks parity with the routes) ---

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_RECEIPT_SECURITY = [{"receipt": []}]
_NOT_FOUND = {"description": "Wrong or deleted receipt (the two are indistinguishable)", "content": _ERROR}
_LIMITED = {"description": "Too many attempts from this client or from everyone", "content": _ERROR}
_INVALID = {"description": "Validation failed; `fields` has a translated message per field", "content": _ERROR}


def _json(schema: str) -> dict:
    """A JSON body of a named schema."""
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


# Evidence files in a multipart body: the same types and limits as the web form's.
_EVIDENCE_FILES = {"type": "array", "items": {"type": "string", "format": "binary"},
                   "description": "JPEG, PNG, WebP, GIF, PDF, MP3, OGG, M4A, WAV or plain text, checked by "
                                  "content; image metadata is removed. At most INTAKE_MAX_FILES files, "
                                  "INTAKE_MAX_FILE_BYTES each, INTAKE_MAX_REQUEST_BYTES together"}

OPENAPI_SECURITY_SCHEMES = {
    "receipt": {"type": "apiKey", "in": "header", "name": "X-Receipt",
                "description": "The receipt code returned when the report was submitted"},
}

OPENAPI_PATHS = {
    "/reports": {"post": {
        "summary": "Submit a report (anonymous; nothing identifying is required)",
        "operationId": "submitReport", "security": [],
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY.pattern},
                        "description": "A random token per report; a retry with the same token returns "
                                       "the same receipt within 15 minutes instead of a duplicate"}],
        "requestBody": {"required": True, "content": {
            **_json("ReportSubmission"),
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["report"], "properties": {
                    "report": {"type": "string", "contentMediaType": "application/json",
                               "description": "The report as a JSON object of the ReportSubmission schema"},
                    "evidence": _EVIDENCE_FILES}},
                "encoding": {"report": {"contentType": "application/json"}}},
        }},
        "responses": {"201": {"description": "Stored; the receipt is shown only now", "content": _json("Receipt")},
                      "400": {"description": "Not a JSON object, or a bad Idempotency-Key", "content": _ERROR},
                      "409": {"description": "Already submitted more than 15 minutes ago", "content": _ERROR},
                      "422": _INVALID, "429": _LIMITED},
    }},
    "/receipt/report": {
        "get": {"summary": "The report's status", "operationId": "getReportStatus", "security": _RECEIPT_SECURITY,
                "responses": {"200": {"description": "Status", "content": _json("ReportStatus")},
                              "404": _NOT_FOUND, "429": _LIMITED}},
        "delete": {"summary": "Delete the report, its additions, messages and evidence for good",
                   "operationId": "deleteReport", "security": _RECEIPT_SECURITY,
                   "responses": {"204": {"description": "Deleted"}, "404": _NOT_FOUND, "429": _LIMITED}},
    },
    "/receipt/messages": {
        "get": {"summary": "The message thread; caseworker messages are marked read",
                "operationId": "listMessages", "security": _RECEIPT_SECURITY,
                "responses": {"200": {"description": "Messages, oldest first", "content": _json("MessageList")},
                              "404": _NOT_FOUND, "429": _LIMITED}},
        "post": {"summary": "Answer the caseworker", "operationId": "replyToCaseworker",
                 "security": _RECEIPT_SECURITY,
                 "requestBody": {"required": True, "content": _json("Reply")},
                 "responses": {"201": {"description": "Sent"}, "404": _NOT_FOUND, "422": _INVALID,
                               "429": _LIMITED}},
    },
    "/receipt/additions": {"post": {
        "summary": "Add information and evidence (kept as a new report linked to the first)",
        "operationId": "addInformation", "security": _RECEIPT_SECURITY,
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": {
                "narrative": {"type": "string", "maxLength": LONG_TEXT},
                "evidence": _EVIDENCE_FILES}}}}},
        "responses": {"201": {"description": "Added"}, "404": _NOT_FOUND, "422": _INVALID, "429": _LIMITED},
    }},
}


def _code_list(vocabulary: str, max_items: int) -> dict:
    """An array of codes of one vocabulary."""
    return {"type": "array", "maxItems": max_items,
            "items": {"type": "string", "enum": sorted(taxonomy.codes(vocabulary))}}


def _code(vocabulary: str, default: str | None = None) -> dict:
    """One code of a vocabulary."""
    schema = {"type": "string", "enum": sorted(taxonomy.codes(vocabulary))}
    return {**schema, "default": default} if default else schema


_COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"}
_DATE_PRECISION = _code("date_precision", "unknown")
_NO = {"type": "boolean", "default": False}

# The web form pre-ticks and pre-selects nothing (issue 14), so both doors read silence alike.
UNANSWERED_RULE = (
    "Every field is optional, and a field left out means what an unanswered question on the web "
    "form means: consents (consent_contact, consent_statistics, consent_partners) and urgent_risk "
    "are false, so nothing is shared or counted without an explicit yes; submitter_role is 'self'; "
    "event_date_precision and a relative's in_retaliation are 'unknown'; lists are empty.")

OPENAPI_SCHEMAS = {
    "ReportSubmission": {"type": "object", "description": UNANSWERED_RULE, "properties": {
        "language": {"type": "string", "maxLength": 16, "default": "en"},
        "submitter_role": _code("submitter_role", "self"),
        "targets": _code_list("report_target", 10),
        "community": _code("community"),
        "tactics": _code_list("tactic", 40), "channels": _code_list("channel", 30),
        "demands": _code_list("demand", 20), "perpetrator_types": _code_list("perpetrator_type", 20),
        "perpetrator_affiliation": {"type": "string", "maxLength": 200},
        "event_date": {"type": "string", "format": "date"}, "event_date_precision": _DATE_PRECISION,
        "place_text": {"type": "string", "maxLength": 200}, "place_country": _COUNTRY,
        "origin_country": _COUNTRY, "host_country": _COUNTRY,
        "narrative": {"type": "string", "maxLength": LONG_TEXT},
        "reporter_name": {"type": "string", "maxLength": 200}, "contact": {"type": "string", "maxLength": 200},
        "consent_contact": _NO, "consent_statistics": _NO, "consent_partners": _NO, "urgent_risk": _NO,
        "relatives": {"type": "array", "maxItems": 20, "items": {"$ref": "#/components/schemas/ReportedRelative"}},
    }},
    "ReportedRelative": {"type": "object", "required": ["relationship_type"], "properties": {
        "relationship_type": _code("relationship_type"), "residence_country": _COUNTRY,
        "residence_place": {"type": "string", "maxLength": 200},
        "statuses": {
            "type": "array", "maxItems": 20,
            "description": "What happened to the relative, each with its own date and precision "
                           "(a detention in 2017 and a release in 2023 are two entries)",
            "items": {"type": "object", "required": ["status"], "properties": {
                "status": _code("relative_status"), "status_date": {"type": "string", "format": "date"},
                "date_precision": _DATE_PRECISION}}},
        "in_retaliation": _code("retaliation", "unknown"),
        "details": {"type": "string", "maxLength": LONG_TEXT},
    }},
    "Receipt": {"type": "object", "required": ["receipt", "status"], "properties": {
        "receipt": {"type": "string", "pattern": "^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$",
                    "description": "80 bits; shown once; send it back in X-Receipt"},
        "status": {"type": "string"}}},
    "ReportStatus": {"type": "object", "properties": {
        "status": {"type": "string", "enum": ["received", "review", "accepted", "merged", "closed"]},
        "submitted_at": {"type": "string", "format": "date-time"}, "urgent_risk": {"type": "boolean"},
        "additions": {"type": "integer"}, "unread_messages": {"type": "integer"}}},
    "MessageList": {"type": "object", "properties": {"messages": {"type": "array", "items": {
        "type": "object", "properties": {
            "direction": {"type": "string", "enum": ["to_reporter", "from_reporter"]},
            "body": {"type": ["string", "null"], "description": "null for a message sent before "
                     "messages were sealed to the reporter's key"},
            "created_at": {"type": "string", "format": "date-time"}}}}}},
    "Reply": {"type": "object", "required": ["body"],
              "properties": {"body": {"type": "string", "minLength": 1, "maxLength": LONG_TEXT}}},
}
