"""The OpenRosa endpoints a collection app talks to: form list, form download, submission.

A client is configured with the server URL ``https://HOST/openrosa`` and a device credential;
it then calls ``/openrosa/formList``, downloads the forms it lists, and sends each finished
report to ``/openrosa/submission`` (HEAD first, then a multipart POST). Every answer is an
OpenRosa XML document with the OpenRosa headers, errors included, never an HTML page.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, g, request, url_for
from flask_babel import force_locale, gettext
from pydantic import ValidationError
from sqlmodel import select
from werkzeug.exceptions import HTTPException

from ..crypto import get_sealer
from ..db import get_session
from ..errors import STORAGE_FAILURES, bad_data_status, is_storage_failure, log_storage_failure
from ..intake.evidence import EvidenceRejected
from ..intake.receipts import idempotency_digest
from ..intake.submission import submit_report
from ..intake.uploads import checked_uploads, evidence_store, rejection_message
from ..intake.validation import message_for
from ..limits import SHARED, admit, client_address
from ..models import Report
from ..models.inputs import ReportCreate
from . import responses
from .devices import authenticate_device, note_use
from .instance import InstanceRejected, parse_instance
from .xlsform import FORM_PREFIX

bp = Blueprint("openrosa", __name__, url_prefix="/openrosa")
KEY_PREFIX = "openrosa:"  # an instanceID never meets a web form's retry token
TOO_LARGE = frozenset({"too_many", "too_large", "too_large_total"})


def _secure() -> bool:
    """TLS, an onion service (end-to-end encrypted by Tor), or a deployment that opted out."""
    host = request.host.rsplit(":", 1)[0]
    return request.is_secure or host.endswith(".onion") or not current_app.config["OPENROSA_REQUIRE_TLS"]


def device_required(view: Callable) -> Callable:
    """Allow requests with a live device credential (HTTP Basic), over TLS only.

    Over plain HTTP the answer is a refusal, never a challenge, so a client is not invited to
    send its secret where anyone on the path could read it.
    """
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not _secure():
            return responses.message(gettext("This server accepts collection apps over HTTPS only."), 403)
        auth = request.authorization
        device = None
        if auth is not None and auth.type == "basic":
            device = authenticate_device(get_session(), get_sealer(), auth.username, auth.password)
        if device is None:
            return _unauthorised()
        g.device = device
        return view(*args, **kwargs)

    guarded.allowed_roles = ()  # no staff role: a device credential (read by the matrix test)
    return guarded


def _unauthorised():
    """401 with a Basic challenge; wrong credentials count in a budget, so guessing is slow."""
    address = client_address()
    key = "address:" + get_sealer().token_digest("ratelimit-client", address)[:32] if address else SHARED
    if not admit([(current_app.config["OPENROSA_AUTH_FAILURE_LIMIT"], "openrosa-auth-failure", key)]):
        abort(429)
    response = responses.message(gettext("Enter this device's user name and password, as given by the "
                                         "organisation."), 401)
    response.headers["WWW-Authenticate"] = 'Basic realm="tracker", charset="UTF-8"'
    return response


@bp.after_request
def _headers(response):
    return responses.add_openrosa_headers(response)


@bp.get("/formList")
@device_required
def form_list():
    """The OpenRosa form list: the report form in every reporter language."""
    builder = current_app.extensions["tracker.openrosa_forms"]
    wanted = request.args.get("formID")
    forms = [form for form in builder.forms() if not wanted or form.form_id == wanted]
    return responses.form_list(forms, lambda form_id: url_for("openrosa.form_download", form_id=form_id,
                                                              _external=True))


@bp.get("/forms/<form_id>.xml")
@device_required
def form_download(form_id: str):
    """One XForm, as the form list's downloadUrl names it."""
    builder = current_app.extensions["tracker.openrosa_forms"]
    locale = form_id.removeprefix(FORM_PREFIX)
    if not form_id.startswith(FORM_PREFIX) or locale not in builder.names:
        return responses.message(gettext("There is no form with this id."), 404)
    return builder.form(locale).xml, 200, {"Content-Type": responses.XML}


@bp.route("/submission", methods=["HEAD", "POST"])
@device_required
def submission():
    """HEAD: the client checks its credential and learns the size limit (204). POST: one report."""
    if request.method == "HEAD":
        return "", 204
    if not admit(_budgets()):
        abort(429)
    db = get_session()
    if note_use(db, g.device):
        db.commit()
    return receive_submission()


def _budgets() -> list[tuple[str, str, str]]:
    """Each device has a budget of its own, and every submission counts in the ceiling the web
    form and the API share (a device's queue of reports is one burst, not an attack: the
    per-address budget meant for anonymous senders does not apply to a registered device)."""
    config = current_app.config
    return [(config["OPENROSA_DEVICE_LIMIT"], "openrosa-device", f"device:{g.device.id}"),
            (config["INTAKE_SUBMIT_GLOBAL_LIMIT"], "intake-submit-all", "everyone")]


def receive_submission():
    """Read, check and store one submission; say what happened in the report's language."""
    xml = request.files.get("xml_submission_file")
    if xml is None:
        return responses.message(gettext("The request has no xml_submission_file part."), 400)
    if request.form.get("*isIncomplete*", "").lower() == "yes":  # a split submission: over our total
        return _too_large()
    body = xml.stream.read(int(current_app.config["OPENROSA_MAX_XML_BYTES"]) + 1)
    if len(body) > int(current_app.config["OPENROSA_MAX_XML_BYTES"]):
        return _too_large()
    try:
        instance = parse_instance(body, set(current_app.extensions["tracker.languages"]))
    except InstanceRejected as rejected:
        return _instance_error(rejected)
    with force_locale(instance.locale):
        return _store(instance)


def _store(instance):
    """Validate like the web form, check the files, store atomically (or find the first copy)."""
    try:
        data = ReportCreate.model_validate(instance.raw)
    except ValidationError as exc:
        return _validation_error(exc)
    db, sealer, key = get_session(), get_sealer(), KEY_PREFIX + instance.instance_id
    digest = idempotency_digest(sealer, key)
    if db.exec(select(Report.id).where(Report.idempotency_key == digest)).first() is not None:
        # A retry (the answer to the first POST was lost): its files were kept the first time and
        # are not checked again; submit_report finds the first copy and, within its replay
        # window, gives its receipt again, as the web form does.
        _, receipt = submit_report(db, data, idempotency_key=key, evidence_files=[], sealer=sealer,
                                   store=evidence_store())
        return _received(receipt)
    missing = [name for name in instance.files if name not in request.files]
    if missing:
        return responses.message(gettext("The submission names a file that is not attached: %(name)s",
                                         name=missing[0]), 400)
    try:
        uploads = checked_uploads([request.files[name] for name in dict.fromkeys(instance.files)])
    except EvidenceRejected as rejected:
        status = 413 if rejected.reason in TOO_LARGE else 422
        return responses.message(rejection_message(rejected), status)
    _, receipt = submit_report(db, data, idempotency_key=key, evidence_files=uploads, sealer=sealer,
                               store=evidence_store())
    return _received(receipt)


def _received(receipt: str | None):
    """201 for a new report and for a copy already stored, so the client stops sending it."""
    if receipt is None:
        return responses.message(gettext("This report was already sent earlier. Use the receipt you saved "
                                         "then to open it."), 201, "submit_success")
    text = gettext("Thank you. Your report was sent.")
    if current_app.config["OPENROSA_RECEIPT_IN_RESPONSE"]:
        text += f" {gettext('Your receipt')}: {receipt}. " + gettext(
            "Anyone who has this code can read your report and its messages.")
    return responses.message(text, 201, "submit_success")


def _instance_error(rejected: InstanceRejected):
    """What is wrong with the instance itself (400), or with one of its answers (422)."""
    messages = {
        "not_xml": (400, gettext("xml_submission_file is not a well-formed XML document.")),
        "unknown_form": (422, gettext("This form is not one of this server's forms. Download the current "
                                      "forms and fill the report in again.")),
        "no_instance_id": (400, gettext("The submission has no meta/instanceID.")),
        "too_large": (413, gettext("The submission is too large.")),
        "date": (422, gettext("Enter a date as year-month-day, or leave this empty.")),
        "relationship": (422, gettext("Say who this person is to you, or clear this block.")),
        "sentence": (422, gettext("Enter the number of years, such as 4 or 2.5, or leave this empty.")),
    }
    status, text = messages[rejected.reason]
    if rejected.field:
        text = f"{rejected.field}: {text}"
    return responses.message(text, status)


def _validation_error(exc: ValidationError):
    """422 naming each refused answer (by its question's name) with the web form's message."""
    lines = []
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"]) or "report"
        lines.append(f"{path}: {message_for(error, str(error['loc'][-1]) if error['loc'] else 'report')}")
    return responses.message(" ".join([gettext("Some fields need checking."), *dict.fromkeys(lines)]), 422)


def _too_large():
    config = current_app.config
    return responses.message(gettext("Together the files are too large: at most %(total_mb)d MB.",
                                     total_mb=int(config["INTAKE_MAX_REQUEST_BYTES"]) // 2**20), 413)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    """Any HTTP error under /openrosa as an OpenRosa message (a body over MAX_CONTENT_LENGTH: 413)."""
    code = error.code or 500
    if code == 413:
        return _too_large()
    if code == 429:
        return responses.message(gettext("Too many attempts in a short time. Wait a few minutes and try again."), 429)
    return responses.message(error.name, code)


def _storage_failure(error: Exception):
    """Storage failed: nothing was kept; 503 tells the client to keep the report and retry."""
    get_session().rollback()
    if bad_data_status(error):  # text the database cannot hold (a NUL byte...): the client's fault
        return responses.message(gettext("This request contains a value that cannot be stored, such as an "
                                         "invisible control character. Remove it and try again."), 400)
    if not is_storage_failure(error):
        raise error
    log_storage_failure(error)
    return responses.message(gettext("The report was NOT received: the server cannot store it safely right "
                                     "now. Keep it on this device and send it again later."), 503)


for _failure in STORAGE_FAILURES:
    bp.register_error_handler(_failure, _storage_failure)
