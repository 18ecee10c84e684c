"""The staff page for referral dossiers: record or withdraw consent, choose, download the PDF."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound

from .. import taxonomy
from ..audit import record
from ..casework.cases import case_people, get_case
from ..casework.errors import CaseworkError, NotFound
from ..countries import country_names
from ..db import get_session
from ..i18n import languages
from ..models import Case
from ..staff.auth import role_required
from .consent import MECHANISMS, METHODS, ConsentMissing, consents_of, record_consent, withdraw_consent
from .content import REDACTIONS
from .make import DossierRequest, make_dossier

bp = Blueprint("dossiers", __name__, url_prefix="/casework/cases/<int:case_id>/dossier")
caseworker_only = role_required("caseworker")


@bp.errorhandler(NotFound)
def not_found(_error: NotFound) -> HTTPNotFound:
    """A case, person or consent out of reach is a plain 404."""
    return HTTPNotFound()


@bp.context_processor
def vocabulary_helpers() -> dict:
    """Labels of codes, translated when the page renders."""
    return {"label": taxonomy.label}


@bp.get("/")
@caseworker_only
def dossier_page(case_id: int) -> str:
    """Consents recorded in the case, the consent form and the dossier form."""
    return _page(get_case(get_session(), case_id))


@bp.post("/")
@caseworker_only
def make(case_id: int) -> Response | tuple[str, int]:
    """Make the PDF and send it; it is not kept on the server (tracker/dossiers/make.py)."""
    session = get_session()
    case = get_case(session, case_id)
    try:
        wanted = _wanted(request.form)
        made = make_dossier(session, case, wanted, user_id=current_user.id)
    except ConsentMissing as error:
        session.commit()  # keep the audited refusal
        return _page(case, error=str(error)), 409
    except (CaseworkError, ValueError) as error:
        session.rollback()
        return _page(case, error=str(error)), 422
    session.commit()
    response = Response(made.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/consents")
@caseworker_only
def add_consent(case_id: int) -> Response | tuple[str, int]:
    """Record who agreed to which referral for whom, when and how."""
    session = get_session()
    case = get_case(session, case_id)
    form = request.form
    try:
        people = {person.id: person for person, _role in case_people(session, case.id)}
        person = people.get(_int(form.get("person_id")))
        if person is None:
            raise ValueError(_("Choose the person the referral is about."))
        record_consent(session, case, person, form.get("mechanism", ""),
                       given_by=people.get(_int(form.get("given_by"))), given_on=_date(form.get("given_on")),
                       method=form.get("method", ""),
                       note=form.get("note", "").strip()[:2000] or None, user_id=current_user.id)
    except (CaseworkError, ValueError) as error:
        session.rollback()
        return _page(case, consent_error=str(error), typed=form), 422
    session.commit()
    flash(_("Consent recorded."), "success")
    return redirect(url_for("dossiers.dossier_page", case_id=case.id), code=303)


@bp.post("/consents/<int:consent_id>/withdraw")
@caseworker_only
def withdraw(case_id: int, consent_id: int) -> Response:
    """Mark a consent withdrawn: no dossier can be made on it any more."""
    session = get_session()
    withdraw_consent(session, get_case(session, case_id), consent_id, user_id=current_user.id)
    session.commit()
    flash(_("Consent withdrawn."), "success")
    return redirect(url_for("dossiers.dossier_page", case_id=case_id), code=303)


def _int(value: str | None) -> int | None:
    """A number from a form field, or None."""
    return int(value) if value and value.strip().isdigit() else None


def _date(value: str | None) -> date:
    """A date from a form field; ValueError with a message for the caseworker otherwise."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValueError(_("Give the date the consent was given.")) from None


def _wanted(form) -> DossierRequest:
    """The dossier the form asks for; ValueError with a message for the caseworker otherwise."""
    subject_id = _int(form.get("person_id"))
    if subject_id is None:
        raise ValueError(_("Choose the person the referral is about."))
    language = form.get("language") or "en"
    if language not in languages():
        raise ValueError(_("Choose a language for the dossier."))
    return DossierRequest(subject_id, form.get("mechanism", ""), source_id=_int(form.get("source_id")),
                          redactions=frozenset(form.getlist("withhold")) & frozenset(REDACTIONS),
                          host_country=(form.get("host_country") or "").upper()[:2] or None, language=language)


def _page(case: Case, error: str | None = None, consent_error: str | None = None, typed=None) -> str:
    """The dossier page; it shows consent notes (sealed), so it is an audited view of the case."""
    session = get_session()
    record(session, "case.view", user_id=current_user.id, object_type="case", object_id=case.id,
           detail={"page": "dossier"})
    session.commit()
    return render_template(
        "dossiers/page.html", case=case, people=case_people(session, case.id), consents=consents_of(session, case.id),
        mechanisms=[(code, taxonomy.label("intervention_type", code)) for code in MECHANISMS],
        methods={code: str(text) for code, text in METHODS.items()},
        redactions={code: str(text) for code, text in REDACTIONS.items()}, languages=languages(),
        countries=country_names(), error=error, consent_error=consent_error, typed=typed or request.form)
