"""The admin page for device credentials: issue one (its secret shown once), list, revoke."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record
from ..crypto import get_sealer
from ..db import get_session
from ..staff.auth import role_required
from .devices import issue_device, list_devices, revoke_device

bp = Blueprint("openrosa_staff", __name__, url_prefix="/staff/admin/devices")
# Admins manage accounts and keys (DESIGN §1); a device credential is an account for a phone.
admin_only = role_required("admin")


def server_url() -> str:
    """The address to type into ODK Collect, KoboCollect or Tella as the server URL."""
    return url_for("openrosa.form_list", _external=True).removesuffix("/formList")


@bp.get("/")
@admin_only
def devices():
    """Every device credential, and the form to issue one."""
    return render_template("openrosa/devices.html", devices=list_devices(get_session()), server_url=server_url())


@bp.post("/")
@admin_only
def issue():
    """Issue a credential; the secret is on this one page and nowhere else."""
    label = (request.form.get("label") or "").strip()
    db = get_session()
    if not label:
        return render_template("openrosa/devices.html", devices=list_devices(db), server_url=server_url(),
                               error=_("Name the device (not its user), such as “Team phone 3”.")), 422
    row, secret = issue_device(db, get_sealer(), label, current_user.id)
    record(db, "openrosa.device_issue", user_id=current_user.id, object_type="device_credential", object_id=row.id)
    db.commit()
    return render_template("openrosa/device_issued.html", device=row, secret=secret, server_url=server_url())


@bp.post("/<int:device_id>/revoke")
@admin_only
def revoke(device_id: int):
    """Revoke a credential at once: the device's next request is refused."""
    db = get_session()
    if revoke_device(db, device_id, current_user.id) is None:
        abort(404)
    record(db, "openrosa.device_revoke", user_id=current_user.id, object_type="device_credential",
           object_id=device_id)
    db.commit()
    flash(_("The device credential is revoked."), "info")
    return redirect(url_for("openrosa_staff.devices"))
