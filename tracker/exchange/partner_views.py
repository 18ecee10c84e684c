"""Staff pages for exchange with partners: the instance's card and partners (admins register them),
exporting a case or incidents for a partner, and previewing then importing a received package.

Packages are never kept on the server: an export is handed to the browser as a download, and an
uploaded package is read from the request and dropped (the audit log keeps its id and counts).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ..casework.cases import case_by_reference
from ..casework.errors import NotFound
from ..db import get_session
from ..models import ExchangePackage, Partner
from ..staff.auth import role_required
from .package import MAX_PACKAGE_BYTES, REDACTIONS, open_package
from .package_export import export_for_partner
from .package_import import import_package
from .partners import ExchangeError, add_partner as register_partner, encode_key, ensure_identity, fingerprint
from .partners import deactivate_partner, identity_row, partners

bp = Blueprint("partners", __name__, url_prefix="/casework/exchange")
RECENT = 20


def _page(status: int = 200, **context) -> tuple[str, int]:
    """The exchange page: this instance's card, the partners, recent packages, and this request's result."""
    session = get_session()
    identity = identity_row(session)
    card = {"recipient": identity.age_recipient, "signing_key": encode_key(identity.signing_public),
            "fingerprint": fingerprint(identity.signing_public)} if identity else None
    recent = session.exec(select(ExchangePackage).order_by(ExchangePackage.at.desc()).limit(RECENT)).all()
    listed = partners(session)
    return render_template("exchange/partners.html", card=card, partners=listed, recent=recent,
                           names={p.id: p.name for p in listed}, **context), status


@bp.get("/")
@role_required("caseworker", "admin")
def exchange_page() -> tuple[str, int]:
    """This instance's card for partners, the partners, and (for caseworkers) the package upload."""
    return _page()


@bp.post("/identity")
@role_required("admin")
def make_identity() -> tuple[str, int]:
    """Make this instance's exchange keys, under the organisation's name as partners will see it."""
    session = get_session()
    try:
        ensure_identity(session, request.form.get("organisation", ""), user_id=current_user.id)
    except ExchangeError as error:
        return _page(422, error=str(error), typed=request.form)
    session.commit()
    return _page(message=_("This instance's exchange keys are made; give partners the card below."))


@bp.post("/partners")
@role_required("admin")
def add_partner() -> tuple[str, int]:
    """Register a partner: its name, age recipient and (to accept its packages) signing key."""
    session = get_session()
    form = request.form
    try:
        partner = register_partner(session, form.get("name", ""), form.get("recipient", ""),
                                   form.get("signing_key") or None, user_id=current_user.id)
    except ExchangeError as error:
        return _page(422, error=str(error), typed=form)
    session.commit()
    return _page(message=_("Registered %(name)s.", name=partner.name))


@bp.post("/partners/<int:partner_id>/deactivate")
@role_required("admin")
def deactivate(partner_id: int) -> tuple[str, int]:
    """Stop exporting to this partner and accepting its packages."""
    session = get_session()
    partner = session.get(Partner, partner_id)
    if partner is None or not partner.active:
        abort(404)
    deactivate_partner(session, partner, user_id=current_user.id)
    session.commit()
    return _page(message=_("No more packages to or from %(name)s.", name=partner.name))


@bp.get("/export")
@role_required("caseworker")
def export_form() -> tuple[str, int]:
    """Choose a case (by reference) or incidents, a partner and a redaction profile."""
    return _export_page(typed=request.args)


def _export_page(status: int = 200, **context) -> tuple[str, int]:
    return render_template("exchange/export.html", partners=partners(get_session()), redactions=REDACTIONS,
                           **context), status


@bp.post("/export")
@role_required("caseworker")
def export_package() -> Response | tuple[str, int]:
    """Hand the browser a signed package encrypted to the partner: consented records of the choice only."""
    session, form = get_session(), request.form
    reference, incidents = form.get("case_reference", "").strip(), form.get("incident_ids", "")
    try:
        partner = session.get(Partner, int(form.get("partner_id") or 0))
        if partner is None or not partner.active:
            raise ExchangeError(_("Choose a partner."))
        ids = [int(part) for part in incidents.replace(",", " ").split()]
        if bool(reference) == bool(ids):
            raise ExchangeError(_("Give a case reference or incident numbers, not both."))
        case = case_by_reference(session, reference) if reference else None
        if reference and case is None:
            raise NotFound(f"case {reference}")
        result = export_for_partner(session, partner, case_id=case.id if case else None, incident_ids=ids,
                                    redaction=form.get("redaction", ""), user_id=current_user.id)
    except NotFound:
        abort(404)  # a case or incident outside the caseworker's communities looks like none (need to know)
    except (ExchangeError, ValueError) as error:
        return _export_page(422, error=str(error), typed=form)
    session.commit()
    return Response(result.data, mimetype="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="package-{result.package_id}.age"', "Cache-Control": "no-store"})


@bp.post("/import")
@role_required("caseworker")
def receive_package() -> tuple[str, int]:
    """Preview (written and rolled back) or import an uploaded package; the file is not kept."""
    upload = request.files.get("package")
    if upload is None or not upload.filename:
        return _page(422, error=_("Choose a package file (.age)."))
    session = get_session()
    try:
        opened = open_package(session, upload.read(MAX_PACKAGE_BYTES + 1))
        outcome = import_package(session, opened, user_id=current_user.id,
                                 dry_run=request.form.get("action") != "import")
    except ExchangeError as error:
        return _page(422, error=str(error))
    return _page(outcome=outcome)
