"""``flask export``: the analyst exports from the command line, to stdout or ``--output FILE``."""
from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import IO

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from ..db import get_session
from .dataset import DeidentifiedDataset, codebook, deidentified_rows
from .exports import MEDIA_TYPES, dataset_chunks, record_export, table_chunks
from .dashboard import TREND_PERIODS, dashboard_tables
from .upkeep import recount_registered
from .statistics import Filters, TooFine, UnknownDimension
from .tables import MAX_CUBE_DIMENSIONS, incident_table, paused_collector, relative_table

export_cli = AppGroup("export", help="Export statistics and the de-identified dataset (audited).")
analytics_cli = AppGroup("analytics", help="Maintain the analyst dashboard's stored counts.")


def filter_options(command):
    """The dashboard's filters, as options shared by both commands."""
    for name in ("verification", "host_country", "origin_country", "community", "year"):
        command = click.option(f"--{name.replace('_', '-')}", name, default=None,
                               help=f"Only incidents with this {name.replace('_', ' ')}"
                               + (" (YYYY, a whole calendar year)" if name == "year" else "") + ".")(command)
    return command


def _write(chunks: Iterable[str | bytes], output: str | None) -> None:
    """Write text or bytes chunks to the file, or to standard output; labels in English."""
    stream: IO = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115 - closed below
    try:
        # No request here to choose a language from (tracker.i18n reads ?lang= and the session).
        with force_locale("en"):
            for chunk in chunks:
                stream.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    finally:
        if output:
            stream.close()
        else:
            stream.flush()


@export_cli.command("stats")
@click.option("--by", "by", required=True, help="Comma-separated dimensions, e.g. month,tactic,host_country.")
@click.option("--of", "subject", type=click.Choice(["incidents", "relatives"]), default="incidents",
              show_default=True, help="Count people targeted by incidents, or relatives by status.")
@click.option("--format", "fmt", type=click.Choice(sorted(MEDIA_TYPES)), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="File to write (default stdout).")
@filter_options
def export_stats(by: str, subject: str, fmt: str, output: str | None, **filter_values: str | None) -> None:
    """Export a table of counts, after disclosure control."""
    names = [name.strip() for name in by.split(",") if name.strip()]
    filters = Filters.from_args({key: value for key, value in filter_values.items() if value})
    session = get_session()
    with click.progressbar(length=3, label="Exporting statistics", file=sys.stderr) as bar:
        try:
            make = incident_table if subject == "incidents" else relative_table
            table = make(session, names, filters)
        except UnknownDimension as error:
            raise click.BadParameter(f"unknown dimension: {error}", param_hint="--by") from None
        except TooFine as error:
            raise click.UsageError(f"too many dimensions and filters together ({error}): at most "
                                   f"{MAX_CUBE_DIMENSIONS} with the parents they bring") from None
        bar.update(1)
        record_export(session, f"stats.{subject}", fmt, {"by": names, **filters.as_dict()}, actor="cli")
        bar.update(1)
        # A row list per cell again (tens of thousands): the collector would walk them and the
        # whole application as they pile up, for cycles they never form (see paused_collector).
        with paused_collector():
            _write(table_chunks(table, fmt), output)
        bar.update(1)


@export_cli.command("incidents")
@click.option("--format", "fmt", type=click.Choice(sorted(MEDIA_TYPES)), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="File to write (default stdout).")
@filter_options
def export_incidents(fmt: str, output: str | None, **filter_values: str | None) -> None:
    """Export the de-identified incident-level dataset (see the codebook)."""
    filters = Filters.from_args({key: value for key, value in filter_values.items() if value})
    session = get_session()
    record_export(session, "dataset.incidents", fmt, filters.as_dict(), actor="cli")
    dataset = DeidentifiedDataset(session, filters)
    click.echo("Reading the counted incidents...", err=True)
    dataset.prepare()  # one pass over the database; then the size of the release is known
    with click.progressbar(length=dataset.released(), label="Exporting incidents", file=sys.stderr) as bar:
        rows = deidentified_rows(session, filters, progress=bar.update, dataset=dataset)
        _write(dataset_chunks(rows, fmt, codebook()), output)


@export_cli.command("codebook")
def export_codebook() -> None:
    """Print the de-identified dataset's codebook as JSON."""
    import json

    click.echo(json.dumps(codebook(), indent=2, ensure_ascii=False))


@analytics_cli.command("refresh")
@click.option("--with-filters", is_flag=True,
              help="Also count the margins every one-filter dashboard needs, so no first filtered view waits.")
def refresh_counts(with_filters: bool) -> None:
    """Recount every kept statistics margin in full and count the unfiltered dashboard's.

    Counts are kept current as data changes (tracker.analytics.upkeep); run this after bulk SQL
    that bypassed the application (demo-data, a restore), or from cron as a check. Margins are
    keyed by dimensions, not filter values, so one placeholder value per filter registers what
    every value of that filter needs.
    """
    import time

    session = get_session()
    start = time.perf_counter()
    recounted = recount_registered(session)
    views = [Filters()]
    if with_filters:
        views += [Filters(**{name: "0000" if name == "year" else "-"}) for name in Filters().__dataclass_fields__]
    for filters in views:
        for period in TREND_PERIODS:
            dashboard_tables(session, filters, period)
    click.echo(f"Recounted {recounted} kept margins and counted {len(views)} dashboard views' in "
               f"{time.perf_counter() - start:.1f} s.")
