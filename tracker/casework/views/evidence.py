"""Evidence files on a report's page: download, a sandboxed safe view, hash check, custody events."""
from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _

from ...crypto import get_sealer
from ...db import get_session
from ...evidence_store import current_store
from ..custody import (
    RECORDED_ACTIONS, action_label, check_integrity, custody_history, download_name, get_evidence,
    open_for_download, record_custody,
)
from ..errors import CaseworkError
from ..safe_view import VIEW_POLICY, safe_view
from . import bp, caseworker_only, done, refused, user_id


@bp.context_processor
def custody_vocabulary() -> dict:
    """Labels of custody actions and the choices a caseworker records by hand."""
    return {"custody_label": action_label,
            "custody_actions": [(code, str(text)) for code, text in RECORDED_ACTIONS.items()]}


def evidence_items(report) -> list[tuple]:
    """The report's files, each with its chain of custody, for the report page."""
    session = get_session()
    return [(item, custody_history(session, item.id)) for item in report.evidence]


def attachment(data: bytes, mime_type: str, filename: str) -> Response:
    """The file as a download only: a browser must never render or run it in the app's origin.

    ``attachment`` and ``nosniff`` stop inline rendering and type guessing (an HTML or SVG file
    passed off as text would otherwise run script here); the sandbox CSP covers a browser that
    opens it anyway; ``no-store`` keeps it out of caches on a shared or seized computer.
    """
    response = Response(data, mimetype=mime_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _page_of(evidence) -> tuple[str, dict]:
    """The page that lists this file: its report's, or its case's for a file filed with a case."""
    if evidence.report_id is None and evidence.case_id is not None:
        return "casework.case", {"case_id": evidence.case_id}
    return "casework.report", {"report_id": evidence.report_id, "_anchor": f"evidence-{evidence.id}"}


@bp.get("/evidence/<int:evidence_id>")
@caseworker_only
def evidence_file(evidence_id: int):
    """Decrypt the file on the fly and send it as a download; ``?copy=original`` for the original."""
    session = get_session()
    evidence = get_evidence(session, evidence_id)
    original = request.args.get("copy") == "original"
    data = open_for_download(session, evidence, original=original, store=current_store(),
                             sealer=get_sealer(), user_id=user_id())
    session.commit()
    return attachment(data, evidence.mime_type, download_name(evidence, original))


@bp.get("/evidence/<int:evidence_id>/view")
@caseworker_only
def view_evidence(evidence_id: int):
    """The file made inert (PDF pages as pictures, text escaped) in a page that may run nothing."""
    session = get_session()
    evidence = get_evidence(session, evidence_id)
    data = open_for_download(session, evidence, original=False, store=current_store(),
                             sealer=get_sealer(), user_id=user_id(), viewed=True)
    session.commit()
    endpoint, back = _page_of(evidence)
    page = render_template("casework/evidence_view.html", evidence=evidence, view=safe_view(data, evidence.mime_type),
                           back=(endpoint, back))
    response = Response(page, mimetype="text/html")
    # Its own policy, kept by tracker.security: no script, style or request; an opaque origin.
    response.headers["Content-Security-Policy"] = VIEW_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/evidence/<int:evidence_id>/custody")
@caseworker_only
def custody(evidence_id: int):
    """Record what was done with the file outside the system."""
    session = get_session()
    evidence = get_evidence(session, evidence_id)
    endpoint, back = _page_of(evidence)
    try:
        record_custody(session, evidence, request.form.get("action", ""), user_id=user_id())
    except CaseworkError as error:
        return refused(error, endpoint, **back)
    return done(_("Custody event recorded."), endpoint, **back)


@bp.post("/evidence/<int:evidence_id>/check")
@caseworker_only
def check_evidence(evidence_id: int):
    """Compare the kept original with the fingerprint taken at intake."""
    session = get_session()
    evidence = get_evidence(session, evidence_id)
    endpoint, back = _page_of(evidence)
    try:
        intact = check_integrity(session, evidence, store=current_store(),
                                 sealer=get_sealer(), user_id=user_id())
    except CaseworkError as error:
        return refused(error, endpoint, **back)
    message = _("The file matches its intake fingerprint.") if intact else _(
        "The file does NOT match its intake fingerprint. Report this to your administrator.")
    return done(message, endpoint, **back)
