"""Coming back with a receipt: status, the caseworker's questions, additions, deletion."""
from __future__ import annotations

from functools import wraps

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from ..crypto import get_sealer
from ..db import get_session
from ..models.base import LONG_TEXT
from . import access
from .evidence import EvidenceRejected
from .followup import (
    add_information, delete_report, find_by_receipt, follow_ups, reply, reporter_status, thread,
)
from .reporter_key import readable_body, reporter_key_for
from .forms import AddInformationForm, DeleteForm, LeaveForm, ReceiptForm, ReplyForm
from .uploads import checked_uploads, evidence_store, rejection_message
from .validation import relatives_from_form
from .throttle import receipt_limits
from .views import bp



def with_open_report(view):
    """Run the view with the report this browser opened, or ask for the receipt again."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        report = access.current_report(get_session())
        if report is None:
            return _closed()
        return view(report, *args, **kwargs)

    return wrapper


@bp.route("/receipt", methods=["GET", "POST"])
@receipt_limits(methods=["POST"])
def enter_receipt():
    """Ask for the receipt; a wrong and a deleted report's receipt get the very same answer."""
    form = ReceiptForm()
    if request.method == "GET":
        return render_template("intake/enter_receipt.html", form=form)
    db = get_session()
    report = find_by_receipt(db, form.receipt.data or "", get_sealer())
    if report is None:
        access.close_report(db)
        error = gettext("We could not open a report with this receipt. Check it and try again.")
        return render_template("intake/enter_receipt.html", form=form, error=error), 404
    access.open_report(db, report, reporter_key_for(db, get_sealer(), report, form.receipt.data or ""))
    return redirect(url_for("intake.my_report"))


@bp.get("/my-report")
@with_open_report
def my_report(report):
    """The open report: status, messages (marked read as shown), and what can be done."""
    return render_report(report)


def render_report(report, *, reply_form=None, add_form=None, errors=None, status: int = 200):
    """The report page with its forms (kept filled in when one had an error)."""
    session = get_session()
    messages = thread(session, report)
    return render_template(
        "intake/my_report.html", report=report, status_text=reporter_status(report.status),
        messages=messages, bodies={m.id: readable_body(m) for m in messages},
        additions=follow_ups(session, report),
        reply_form=reply_form or ReplyForm(formdata=None), add_form=add_form or AddInformationForm(formdata=None),
        leave_form=LeaveForm(), errors=errors or {},
    ), status


@bp.post("/my-report/reply")
@with_open_report
def send_reply(report):
    """Answer the caseworker."""
    form = ReplyForm()
    body = (form.body.data or "").strip()
    if not body or len(body) > LONG_TEXT:
        error = gettext("Write an answer first.") if not body else gettext("Your answer is too long.")
        return render_report(report, reply_form=form, errors={"body": error}, status=422)
    reply(get_session(), report, body)
    flash(gettext("Your answer was sent."), "success")
    return redirect(url_for("intake.my_report"))


@bp.post("/my-report/add")
@with_open_report
def add_to_report(report):
    """Add information and evidence, kept as a new report linked to this one."""
    form = AddInformationForm()
    narrative = (form.narrative.data or "").strip() or None
    try:
        uploads = checked_uploads(request.files.getlist("evidence"))
    except EvidenceRejected as rejected:
        return render_report(report, add_form=form, errors={"evidence": rejection_message(rejected)}, status=422)
    relatives, errors = relatives_from_form(form.relatives)
    if errors:
        return render_report(report, add_form=form, errors=errors, status=422)
    if narrative is None and not uploads and not relatives:
        return render_report(report, add_form=form,
                             errors={"narrative": gettext("Write something or choose a file to add.")}, status=422)
    if narrative and len(narrative) > LONG_TEXT:
        return render_report(report, add_form=form, errors={"narrative": gettext("This is too long.")}, status=422)
    add_information(get_session(), report, narrative, uploads, sealer=get_sealer(), store=evidence_store(),
                    relatives=relatives)
    flash(gettext("Thank you. What you added was sent."), "success")
    return redirect(url_for("intake.my_report"))


@bp.route("/my-report/delete", methods=["GET", "POST"])
@with_open_report
def delete(report):
    """Confirm, then delete the report and everything sent with it."""
    form = DeleteForm()
    if request.method == "POST" and form.confirm.data:
        delete_report(get_session(), report, store=evidence_store(), sealer=get_sealer())
        access.close_report(get_session())
        return render_template("intake/deleted.html")
    error = gettext("Tick the box to confirm.") if request.method == "POST" else None
    return render_template("intake/delete.html", form=form, error=error)


@bp.post("/my-report/leave")
def leave():
    """Close the report on this device."""
    access.close_report(get_session())
    flash(gettext("Your report is closed on this device. Use your receipt to open it again."), "success")
    return redirect(url_for("intake.home"))


def _closed():
    """The receipt session ended (or the report is gone): ask for the receipt again."""
    flash(gettext("For your safety, your report closes after a while. Enter your receipt again."), "info")
    return redirect(url_for("intake.enter_receipt"))
