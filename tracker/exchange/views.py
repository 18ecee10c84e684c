"""The staff page for spreadsheet import: upload, choose or save a profile, preview, dry run, import."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record
from ..db import get_session
from ..staff.auth import role_required
from .importer import ImportResult, file_digest, import_rows
from .preview import preview_rows
from .profiles import ImportProfile, ProfileError, load_profile, parse_profile, profile_names, save_profile
from .sheets import SheetNotReadable, read_rows

bp = Blueprint("exchange", __name__, url_prefix="/casework/import")
caseworker_only = role_required("caseworker")
ACTIONS = ("preview", "dry_run", "import")


@bp.get("/")
@caseworker_only
def import_page() -> str:
    """The upload form and the saved profiles."""
    return _page()


@bp.post("/")
@caseworker_only
def import_spreadsheet() -> tuple[str, int] | str:
    """Preview, dry-run or import the uploaded sheet; the file is read from this request only."""
    upload = request.files.get("sheet")
    if upload is None or not upload.filename:
        return _page(error=_("Choose a spreadsheet file (CSV, XLSX or ODS).")), 422
    try:
        profile = _chosen_profile()
        content = upload.read()
        rows = list(read_rows(content, upload.filename))
    except (ProfileError, SheetNotReadable) as error:
        return _page(error=str(error)), 422
    action = request.form.get("action") if request.form.get("action") in ACTIONS else "preview"
    result = None
    session = get_session()
    if action != "preview":
        result = import_rows(session, rows, profile, source_sha256=file_digest(content), user_id=current_user.id,
                             dry_run=action == "dry_run", all_or_nothing=bool(request.form.get("all_or_nothing")))
    if result is None or not result.written:  # previews and dry runs are audited too, without the rows
        record(session, f"import.{action}", user_id=current_user.id, object_type="import",
               object_id=file_digest(content)[:16], detail={"source_sha256": file_digest(content),
                                                             "profile": profile.name, "rows": len(rows)})
        session.commit()
    return _page(profile=profile, preview=preview_rows(rows, profile), result=result)


def _chosen_profile() -> ImportProfile:
    """A profile typed as JSON (checked and saved under its name) or a saved one chosen by name."""
    typed = (request.form.get("profile_json") or "").strip()
    if typed:
        profile = parse_profile(typed)
        save_profile(current_app.instance_path, profile)
        return profile
    return load_profile(current_app.instance_path, request.form.get("profile") or "")


def _page(error: str | None = None, profile: ImportProfile | None = None, preview: list | None = None,
          result: ImportResult | None = None) -> str:
    """The page with whatever this request produced."""
    return render_template("exchange/import.html", error=error, profiles=profile_names(current_app.instance_path),
                           chosen=profile.name if profile else "", preview=preview or [], result=result)
