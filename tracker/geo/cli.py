"""``flask geocode``: look a place up, geocode a CSV batch, or geocode the pending locations."""
from __future__ import annotations

import csv
import json
import sys
from typing import Any

import click
from flask.cli import AppGroup

from tracker.db import get_session

from .locations import geocode_location, pending_locations
from .match import PlaceMatch
from .resolve import get_geocoder, resolve_place

# Pending rows are committed in chunks so an interrupted run keeps what it did.
COMMIT_EVERY = 200


class _LookupByDefault(AppGroup):
    """``flask geocode "Kashgar"`` runs ``lookup``: a word that is no subcommand is a query."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        """Route unknown first words to the lookup command."""
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["lookup", *args]
        return super().resolve_command(ctx, args)


@click.group("geocode", cls=_LookupByDefault, invoke_without_command=True)
@click.option("--batch", is_flag=True, help="Read CSV (header: query[,country]) from stdin; write JSON lines.")
@click.option("--country", "default_country", help="Country hint (ISO code) for rows without one.")
@click.pass_context
def geocode_cli(ctx: click.Context, batch: bool, default_country: str | None) -> None:
    """Geocode places with the configured geocoder (offline by default).

    \b
    flask geocode "Kashgar" [--country CN] [--json]   one place and its alternatives
    flask geocode --batch < places.csv                 CSV (query[,country]) to JSON lines
    flask geocode pending                              every stored location still pending
    """
    if ctx.invoked_subcommand is not None:
        return
    if batch:
        _run_batch(sys.stdin, default_country)
    else:
        click.echo(ctx.get_help())


@geocode_cli.command("lookup")
@click.argument("query")
@click.option("--country", help="Country hint: ISO 3166-1 alpha-2 code.")
@click.option("--json", "as_json", is_flag=True, help="Print the match as JSON.")
def lookup_command(query: str, country: str | None, as_json: bool) -> None:
    """Print the best match for QUERY and its alternatives."""
    match = resolve_place(query, country, geocoder=get_geocoder())
    if as_json:
        click.echo(json.dumps(match.to_dict() if match else None, ensure_ascii=False, indent=2))
    elif match is None:
        raise click.ClickException("no match")
    else:
        click.echo(_describe(match))
        for alternative in match.alternatives:
            click.echo("  or " + _describe(alternative))


def _describe(match: PlaceMatch) -> str:
    """One human-readable line for a match."""
    return (f"{match.address}  ({match.lat}, {match.lon})  precision={match.precision} "
            f"confidence={match.confidence:.2f}  {match.gazetteer_id}  [{match.geocoder}]")


def _run_batch(stream: Any, default_country: str | None) -> None:
    """One JSON object per CSV row, in input order, with a progress bar on stderr."""
    reader = csv.DictReader(stream)
    if not reader.fieldnames or "query" not in reader.fieldnames:
        raise click.UsageError("the CSV needs a header row naming a 'query' column")
    rows = list(reader)
    geocoder = get_geocoder()
    with click.progressbar(rows, label="Geocoding", file=sys.stderr) as bar:
        for row in bar:
            hint = (row.get("country") or "").strip() or default_country
            match = resolve_place(row.get("query") or "", hint, geocoder=geocoder)
            click.echo(json.dumps(batch_record(row.get("query") or "", hint, match), ensure_ascii=False))


def batch_record(query: str, hint: str | None, match: PlaceMatch | None) -> dict[str, Any]:
    """The JSON written for one batch row (lat and lon are null when nothing matched)."""
    record: dict[str, Any] = {"query": query, "country_hint": hint}
    if match is None:
        return record | {"lat": None, "lon": None, "name": None, "precision": None, "confidence": 0.0}
    data = match.to_dict()
    data["alternatives"] = [{k: a[k] for k in ("name", "lat", "lon", "country", "confidence")}
                            for a in data["alternatives"]]
    return record | data


@geocode_cli.command("pending")
@click.option("--as", "email", required=True,
              help="A caseworker or admin whose password opens the places (asked for, not echoed).")
def pending_command(email: str) -> None:
    """Geocode every stored location whose status is pending.

    The places typed are sealed to the organisation key, so a person must open it: this runs
    only with a staff member's password typed now, never unattended (DESIGN §2)."""
    from tracker.maintenance.organisation_key import unlock_as

    with unlock_as(email):
        _geocode_pending()


def _geocode_pending() -> None:
    """Geocode the pending locations with the organisation key open."""
    session = get_session()
    geocoder = get_geocoder()
    rows = list(pending_locations(session))
    counts = {"geocoded": 0, "failed": 0}
    with click.progressbar(rows, label="Geocoding pending locations", file=sys.stderr) as bar:
        for done, location in enumerate(bar, start=1):
            geocode_location(location, geocoder)
            counts[location.status] = counts.get(location.status, 0) + 1
            session.add(location)
            if done % COMMIT_EVERY == 0:
                session.commit()
    session.commit()
    click.echo(f"{len(rows)} pending: {counts['geocoded']} geocoded, {counts['failed']} failed")
