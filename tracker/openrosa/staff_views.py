"""The admin page for device credentials: issue one (its secret shown once), list, revoke."""
from __future__ import annotations

import base64
import json
import zlib

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..audit import record
from ..crypto import get_sealer
from ..db import get_session
from ..staff.auth import role_required
from ..models import DeviceCredential
from .devices import issue_device, list_devices, revoke_device

bp = Blueprint("openrosa_staff", __name__, url_prefix="/staff/admin/devices")
# Admins manage accounts and keys (DESIGN §1); a device credential is an account for a phone.
admin_only = role_required("admin")


def server_url() -> str:
    """The address to type into ODK Collect, KoboCollect or Tella as the server URL."""
    return url_for("openrosa.form_list", _external=True).removesuffix("/formList")


def collect_settings_qr(device: DeviceCredential, secret: str) -> Markup:
    """ODK Collect's and KoboCollect's configuration QR code (base64 of zlib-compressed settings
    JSON), drawn here as inline SVG: scanning it fills the server URL, user name and password,
    so nobody types a 43-character secret on a phone. The project is named with the device's
    label, never the organisation's name: a phone shown at a checkpoint should not say "tracker".
    Marked safe here: segno builds the SVG from our own payload, no outside text reaches it.
    """
    settings = {"general": {"server_url": server_url(), "username": device.username, "password": secret},
                "admin": {}, "project": {"name": device.label}}
    payload = base64.b64encode(zlib.compress(json.dumps(settings).encode("utf-8"))).decode("ascii")
    import segno  # only this page draws a QR code: not imported at every start-up (issue 17)

    return Markup(segno.make(payload, error="m").svg_inline(  # noqa: S704 (server-made SVG)  # nosec B704
        scale=4, title="ODK Collect settings QR code", svgclass="collect-qr", lineclass=None))


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
    return render_template("openrosa/device_issued.html", device=row, secret=secret, server_url=server_url(),
                           qr=collect_settings_qr(row, secret))


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
