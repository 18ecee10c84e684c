"""``flask exchange …``: this instance's exchange identity, partners, and packages out and in."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import select

from ..casework.cases import case_by_reference
from ..casework.errors import NotFound
from ..db import get_session
from ..models import User
from ..staff.scope import set_scope
from .package import MAX_PACKAGE_BYTES, REDACTIONS, open_package
from .package_export import export_for_partner
from .package_import import ImportOutcome, import_package
from .partners import (
    ExchangeError, add_partner, deactivate_partner, encode_key, ensure_identity, fingerprint, partner_named, partners,
)

exchange_cli = AppGroup("exchange", help="Share cases with partner organisations (signed, age-encrypted packages).")
partner_cli = AppGroup("partner", help="Partner organisations packages are sent to and accepted from.")
exchange_cli.add_command(partner_cli)
AS_HELP = "The staff member acting (their password is asked for, not echoed)."


@contextmanager
def acting_as(email: str, *roles: str) -> Iterator[User]:
    """Open the organisation key with this person's password and act with their need to know.

    The casework layer reads the asker's communities from the request (tracker.staff.scope), so
    the command runs in a request context of its own that carries this person's scope.
    """
    from ..maintenance.organisation_key import unlock_as

    with current_app.test_request_context(), unlock_as(email):
        user = get_session().exec(select(User).where(User.email == email.strip().lower())).one()
        if user.role not in roles:
            raise click.ClickException(f"this needs a {' or '.join(roles)} account")
        set_scope(user.id, user.communities)
        yield user


@exchange_cli.command("identity")
@click.option("--organisation", default="", help="This organisation's name as partners see it (first run only).")
def identity_command(organisation: str) -> None:
    """Show (and on first run make) what partners register this instance with; needs no password."""
    session = get_session()
    try:
        row = ensure_identity(session, organisation, user_id=None)
    except ExchangeError as error:
        raise click.ClickException(str(error)) from error
    session.commit()
    click.echo(f"age recipient: {row.age_recipient}")
    click.echo(f"signing key:   {encode_key(row.signing_public)}")
    click.echo(f"fingerprint:   {fingerprint(row.signing_public)}")


@partner_cli.command("add")
@click.argument("name")
@click.option("--recipient", required=True, help="The partner's age X25519 recipient (age1…).")
@click.option("--signing-key", default=None, help="The partner's Ed25519 signing key, to accept its packages.")
@click.option("--as", "email", required=True, help=AS_HELP)
def partner_add_command(name: str, recipient: str, signing_key: str | None, email: str) -> None:
    """Register a partner organisation (an admin's decision: it says where case data may go)."""
    with acting_as(email, "admin") as user:
        session = get_session()
        try:
            partner = add_partner(session, name, recipient, signing_key, user_id=user.id)
        except ExchangeError as error:
            raise click.ClickException(str(error)) from error
        session.commit()
        note = "" if partner.signing_key else " (it can receive packages; add its signing key to accept its own)"
        click.echo(f"Registered partner {partner.id}: {partner.name}{note}")


@partner_cli.command("remove")
@click.argument("name")
@click.option("--as", "email", required=True, help=AS_HELP)
def partner_remove_command(name: str, email: str) -> None:
    """Stop sending to a partner and accepting its packages (a lost key, a partnership ended)."""
    with acting_as(email, "admin") as user:
        session = get_session()
        try:
            partner = partner_named(session, name)
        except ExchangeError as error:
            raise click.ClickException(str(error)) from error
        deactivate_partner(session, partner, user_id=user.id)
        session.commit()
        click.echo(f"No more packages to or from {partner.name}.")


@partner_cli.command("list")
@click.option("--as", "email", required=True, help=AS_HELP)
def partner_list_command(email: str) -> None:
    """The registered partners (their names are sealed: a password opens them)."""
    with acting_as(email, "admin", "caseworker"):
        for partner in partners(get_session()):
            fp = f"signing key {partner.signing_key}" if partner.signing_key else "no signing key"
            click.echo(f"{partner.id}\t{partner.name}\t{partner.age_recipient}\t{fp}")


@exchange_cli.command("export")
@click.option("--case", "reference", default=None, help="The case to export, by reference (TNR-2026-00042).")
@click.option("--incident", "incident_ids", type=int, multiple=True, help="An incident to export (repeatable).")
@click.option("--to", "partner_name", required=True, help="The registered partner's name.")
@click.option("--redaction", type=click.Choice(REDACTIONS), default="names-initials", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--as", "email", required=True, help=AS_HELP)
def export_command(reference: str | None, incident_ids: tuple[int, ...], partner_name: str, redaction: str,
                   output: Path, email: str) -> None:
    """Write a signed package of a case or incidents, encrypted to the partner, with only consented records."""
    if bool(reference) == bool(incident_ids):
        raise click.UsageError("give either --case or --incident")
    with acting_as(email, "caseworker") as user:
        session = get_session()
        try:
            partner = partner_named(session, partner_name)
            case = case_by_reference(session, reference) if reference else None
            if reference and case is None:
                raise NotFound(f"case {reference}")
            result = export_for_partner(session, partner, case_id=case.id if case else None,
                                        incident_ids=list(incident_ids), redaction=redaction, user_id=user.id)
        except (ExchangeError, NotFound) as error:
            raise click.ClickException(str(error)) from error
        output.write_bytes(result.data)
        session.commit()
    counts = result.counts
    click.echo(f"Package {result.package_id} for {partner_name} ({redaction}): {counts['incidents']} incidents, "
               f"{counts['people']} people, {counts['relationships']} relationships, {counts['statuses']} statuses; "
               f"withheld for lack of consent: {counts['withheld_incidents']} incidents, "
               f"{counts['withheld_people']} people. Written to {output}.")


@exchange_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what the package would create; write nothing.")
@click.option("--as", "email", required=True, help=AS_HELP)
def import_command(file: Path, dry_run: bool, email: str) -> None:
    """Decrypt, verify and import a partner's package; known people are proposed as duplicates."""
    if file.stat().st_size > MAX_PACKAGE_BYTES:
        raise click.ClickException("the file is larger than any package this instance accepts")
    with acting_as(email, "caseworker") as user:
        session = get_session()
        try:
            outcome = import_package(session, open_package(session, file.read_bytes()), user_id=user.id,
                                     dry_run=dry_run)
        except ExchangeError as error:
            raise click.ClickException(str(error)) from error
        for line in describe(outcome):
            click.echo(line)


def describe(outcome: ImportOutcome) -> list[str]:
    """The outcome in a few lines, for the command line."""
    if outcome.already_imported:
        return [f"Package {outcome.package_id} from {outcome.partner} was imported before: nothing new."]
    verb = "Would import" if outcome.dry_run else "Imported"
    made = ", ".join(f"{n} {kind}" for kind, n in sorted(outcome.created.items())) or "nothing new"
    lines = [f"{verb} package {outcome.package_id} from {outcome.partner} ({outcome.redaction}, made "
             f"{outcome.created_at}): {made}."]
    if outcome.known:
        held = ", ".join(f"{n} {kind}" for kind, n in sorted(outcome.known.items()))
        lines.append(f"Already held here: {held}.")
    lines += [f"Proposed duplicate: {new} may be {old} (compare them on the person page)"
              for new, old in outcome.duplicates]
    return lines
