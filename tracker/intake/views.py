"""Reporter pages: the start page, the report form, the receipt, safety advice, quick exit."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext
from markupsafe import escape

from ..crypto import get_sealer
from ..db import get_session
from .evidence import EvidenceRejected
from .forms import MAX_RELATIVES, ReportForm, new_retry_token
from .posted import posted_report
from .submission import submit_report
from .throttle import submission_limits
from .uploads import checked_uploads, evidence_store, rejection_message
from .validation import report_from_form

bp = Blueprint("intake", __name__)


@bp.get("/")
def home():
    """The landing page: what this service is, and the ways to report or follow up."""
    return render_template("intake/home.html")


@bp.get("/safety")
def safety():
    """How to report safely, in every language."""
    return render_template("intake/safety.html")


@bp.get("/report/choices")
def choices():
    """What the form's choices mean (the taxonomy's definitions), opened from the form."""
    return render_template("intake/choices.html")


@bp.get("/exit")
def quick_exit():
    """A plain neutral page for the quick-exit link; it also clears this site's cookies."""
    response = current_app.make_response(render_template("intake/exit.html"))
    # Ends the receipt session and the language choice on this browser (a shared device).
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    return response


@bp.route("/report", methods=["GET", "POST"])
@submission_limits(methods=["POST"])
def new_report():
    """Show the form; on POST validate, store atomically, and show the receipt once.

    A POST is read without building the WTForms form (posted.py: a sixth of a submission's CPU,
    issue 17 item 4); the form is built only when the page is shown again, from the same request,
    so it shows everything that was typed.
    """
    posted = posted_report() if request.method == "POST" else None
    if posted is None:  # a GET, or a POST with nothing in it (WTForms reads only defaults)
        form = ReportForm()
        form.ensure_idempotency_key()
        if request.method == "GET":
            return render_form(form)
        posted = form
    if posted.add_relative.data:  # a page rendered before add_relative had its own address
        return with_new_relative(form_again(posted))
    if posted.website.data:
        return render_form(form_again(posted), {"website": gettext("Leave this field empty.")}, status=400)
    data, errors = report_from_form(posted)
    try:
        uploads = checked_uploads(request.files.getlist("evidence"))
    except EvidenceRejected as rejected:
        errors["evidence"] = rejection_message(rejected)
    if errors:
        return render_form(form_again(posted), errors, status=422)
    idempotency_key = posted.idempotency_key.data or new_retry_token()
    _, receipt = submit_report(get_session(), data, idempotency_key=idempotency_key,
                               evidence_files=uploads, sealer=get_sealer(), store=evidence_store())
    return receipt_page(receipt, urgent=data.urgent_risk)


def form_again(posted) -> ReportForm:
    """The WTForms form of this request, to show it again with what was typed and its retry token."""
    if isinstance(posted, ReportForm):
        return posted
    form = ReportForm()
    form.ensure_idempotency_key()
    return form


RECEIPT_MARK = "RECEIPT-GOES-HERE"  # letters and dashes, like a receipt: nothing to escape


def receipt_page(receipt: str | None, *, urgent: bool) -> str:
    """The receipt page: the same text in a language for every receipt, so it is rendered once
    per language (and urgent flag) and each receipt put into it (issue 17: rendering it was a
    tenth of a submission's work). A message waiting to be flashed needs a real render."""
    if receipt is None or session.get("_flashes"):
        return render_template("intake/receipt.html", receipt=receipt, urgent=urgent)
    pages = current_app.extensions.setdefault("tracker.receipt_pages", {})
    key = (str(get_locale()), bool(urgent), request.script_root)
    parts = pages.get(key)
    if parts is None:
        parts = pages[key] = render_template("intake/receipt.html", receipt=RECEIPT_MARK, urgent=urgent).split(
            RECEIPT_MARK)
    return str(escape(receipt)).join(parts)


@bp.route("/report/relative", methods=["GET", "POST"])
def add_relative():
    """The no-JavaScript way to add a relative's block: re-show the form with one more.

    Its own address, outside submission_limits, because it stores nothing: a person describing
    several relatives must never be told to wait as if they had sent several reports (issue 14).
    """
    if request.method == "GET":  # a bookmarked or reopened address: start at the form
        return redirect(url_for("intake.new_report"))
    form = ReportForm()
    form.ensure_idempotency_key()
    return with_new_relative(form)


def with_new_relative(form: ReportForm):
    """The form with one more (empty) relative's block, up to MAX_RELATIVES."""
    if len(form.relatives) < MAX_RELATIVES:
        form.relatives.append_entry()
    return render_form(form)


def render_form(form: ReportForm, errors: dict[str, str] | None = None, *, status: int = 200,
                notice: str | None = None):
    """The form page, with what the person typed, errors beside their fields, and a notice."""
    page = render_template("intake/report_form.html", form=form, errors=errors or {},
                           notice=notice, locale=str(get_locale()))
    return page, status
