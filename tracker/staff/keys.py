"""A staff member's keys: set with their password, granted the organisation key by someone who
holds it, carried from session to session (tracker.orgkey has the cryptography)."""
from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from flask_login import current_user

from .. import orgkey
from ..models import User
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
