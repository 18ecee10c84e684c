"""A staff member's keys: set with their password, granted the organisation key by someone who
holds it, carried from session to session (tracker.orgkey has the cryptography)."""
from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import orgkey
from ..db import get_session
from ..models import User
from . import bp
from .auth import role_required
from .passwords import current_parameters, hash_password

OrganisationKey = tuple[str, X25519PrivateKey]


def held_organisation_key() -> OrganisationKey | None:
    """The organisation key the signed-in person's session carries, if any."""
    return getattr(current_user, "organisation_key", None)


def set_password(user: User, password: str, *, regrant_with: OrganisationKey | None) -> None:
    """Hash a new password and give the account a new key pair wrapped under it.

    The old key pair was wrapped under the old password, which the server does not keep; the
    organisation key is therefore granted again from the session that holds it (the person's
    own, or an admin's), or the account loses access until someone grants it.
    """
    user.password_hash = hash_password(password)
    orgkey.provision_personal_key(user, password, current_parameters())
    if regrant_with is not None:
        orgkey.grant(user, *regrant_with)


@bp.post("/admin/users/<int:user_id>/grant-access")
@role_required("admin")
def grant_access(user_id: int):
    """Ask to give an account access to personal data (the organisation key sealed to its key
    pair); another admin applies it (tracker.staff.approvals)."""
    db = get_session()
    user = db.get(User, user_id)
    held = held_organisation_key()
    if user is None or not user.active or user.key_public is None:
        flash(_("This account cannot be given access yet: it must exist, be active and have signed in once."),
              "error")
    elif held is None:
        flash(_("Your own session has no access to case data, so you cannot grant it."), "error")
    else:
        from .approvals import file_request

        file_request(db, user, "grant", requester_id=current_user.id)
        db.commit()
        flash(_("The grant waits for another admin's approval (or the delay, if you are the only admin)."), "info")
    return redirect(url_for("staff.list_users"))
