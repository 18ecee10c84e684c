"""Your personal API tokens: make one (shown once), see them, revoke them."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..api.tokens import issue_token, revoke_token, user_tokens
from ..audit import record
from ..db import get_session
from . import bp
from .account import reauthenticate
from .auth import role_required


@bp.get("/account/tokens")
@role_required()
def api_tokens():
    """Your tokens and the form to make one."""
    return render_template("staff/api_tokens.html", tokens=user_tokens(get_session(), current_user.id))


@bp.post("/account/tokens")
@role_required()
def create_api_token():
    """Make a token; it bypasses the second factor, so making one needs the password and a code."""
    db = get_session()
    user = db.merge(current_user.user)
    if not reauthenticate(db, user):
        return redirect(url_for("staff.api_tokens"))
    row, token = issue_token(db, user.id, request.form.get("name", ""), organisation_key=current_user.organisation_key)
    record(db, "staff.api_token_create", user_id=user.id, object_type="api_token", object_id=row.id)
    db.commit()
    return render_template("staff/api_token_created.html", token=token, row=row)


@bp.post("/account/tokens/<int:token_id>/revoke")
@role_required()
def revoke_api_token(token_id: int):
    """Revoke one of your own tokens at once."""
    db = get_session()
    if revoke_token(db, current_user.id, token_id) is None:
        abort(404)
    record(db, "staff.api_token_revoke", user_id=current_user.id, object_type="api_token", object_id=token_id)
    db.commit()
    flash(_("The token is revoked."), "info")
    return redirect(url_for("staff.api_tokens"))
