"""Friendly answers when a form cannot be accepted as sent: an expired CSRF token or a rate
limit. Nothing the person typed is lost; the form comes back filled in with a fresh token."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from ..errors import STORAGE_FAILURES, is_storage_failure, log_storage_failure, storage_failure_message
from .forms import ReceiptForm, ReportForm
from .views import bp, render_form


@bp.errorhandler(CSRFError)
def expired_form(_error: CSRFError):
    """The session or its CSRF token expired (or the cookie was cleared): show the form again."""
    notice = gettext("This page was open for a long time, so for your safety it expired. "
                     "Nothing was sent yet. Check your answers and send again.")
    return _form_again(notice, status=400)


@bp.errorhandler(429)
def rate_limited(_error):
    """Too many attempts: say so plainly, keep the typed answers, suggest waiting."""
    notice = gettext("Too many attempts were made in a short time. Nothing was sent. "
                     "Please wait a few minutes and try again.")
    return _form_again(notice, status=429)


def not_received(error: Exception):
    """Fail closed: the database, the disk or the keyring failed; nothing was stored, say so and
    give the form back filled in (tracker/errors.py decides what counts as a storage failure)."""
    if not is_storage_failure(error):
        raise error
    log_storage_failure(error)
    return _form_again(storage_failure_message(), status=503)


for _failure in STORAGE_FAILURES:
    bp.register_error_handler(_failure, not_received)


def _form_again(notice: str, *, status: int):
    """Re-render the form the request came from with its values; other pages get a plain page."""
    if request.endpoint == "intake.new_report":
        form = ReportForm()
        form.ensure_idempotency_key()
        if request.files:
            notice += " " + gettext("Files you chose must be chosen again.")
        return render_form(form, status=status, notice=notice)
    if request.endpoint == "intake.enter_receipt":
        return render_template("intake/enter_receipt.html", form=ReceiptForm(), error=notice), status
    return render_template("intake/notice.html", notice=notice), status
