"""``flask import spreadsheet``: import a spreadsheet of cases through a saved column profile."""
from __future__ import annotations

from itertools import islice
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import get_session
from .importer import file_digest, import_rows
from .preview import preview_rows
from .profiles import ProfileError, load_profile, parse_profile, save_profile
from .sheets import SheetNotReadable, read_rows, sheet_format

import_cli = AppGroup("import", help="Import data from spreadsheets.")


@import_cli.command("spreadsheet")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--profile", "profile_name", required=True, help="The saved column profile to read the sheet with.")
@click.option("--dry-run", is_flag=True, help="Report what each row would do; write nothing.")
@click.option("--all-or-nothing", is_flag=True, help="Write nothing if any row is refused.")
@click.option("--preview", default=5, show_default=True, help="Rows to show as they will be stored.")
def import_spreadsheet_command(file: Path, profile_name: str, dry_run: bool, all_or_nothing: bool,
                               preview: int) -> None:
    """Import FILE (CSV, XLSX or ODS): incidents, people, relatives and statuses, sealed and audited.

    Writing needs only the organisation's public key (DESIGN §2); people already known are
    linked by blind-index name digests, so no sealed name is read here. The sheet is read as a
    stream and written in batches, each outcome printed as its batch is done.
    """
    try:
        profile = load_profile(current_app.instance_path, profile_name)
        content = file.read_bytes()
        first = list(islice(read_rows(content, file.name), preview))
    except (ProfileError, SheetNotReadable) as error:
        raise click.ClickException(str(error)) from error
    for shown in preview_rows(first, profile, preview):
        click.echo("  ".join(f"{key}: {value}" for key, value in shown.items() if value))
    def show(outcome):
        extra = outcome.reason or ", ".join(outcome.linked)
        click.echo(f"row {outcome.row_number}: {outcome.outcome}" + (f" ({extra})" if extra else ""))
    try:
        with click.progressbar(read_rows(content, file.name), length=_row_count(content, file.name),
                               label="Importing rows", file=click.get_text_stream("stderr")) as rows:
            result = import_rows(get_session(), rows, profile, source_sha256=file_digest(content), user_id=None,
                                 dry_run=dry_run, all_or_nothing=all_or_nothing, on_row=show)
    except SheetNotReadable as error:  # a damaged row far into the file
        raise click.ClickException(str(error)) from error
    counts = ", ".join(f"{count} {name}" for name, count in sorted(result.counts.items()))
    verb = "Would import" if dry_run else ("Imported" if result.written else "Imported nothing (a row was refused)")
    click.echo(f"{verb}: {counts or 'no rows'}. Source SHA-256 {result.source_sha256}.")


def _row_count(content: bytes, filename: str) -> int | None:
    """Rows of a CSV file, for the progress bar (a quick pass); None for workbooks, which only count as read."""
    if sheet_format(filename) != "csv":
        return None
    return sum(1 for _row in read_rows(content, filename))


@import_cli.command("save-profile")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def save_profile_command(file: Path) -> None:
    """Check a profile written as JSON and save it under its name in instance/import_profiles/."""
    try:
        path = save_profile(current_app.instance_path, parse_profile(file.read_bytes()))
    except ProfileError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Saved {path}.")
