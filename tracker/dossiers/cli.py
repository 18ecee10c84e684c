"""``flask dossier CASE_REF --mechanism ... --as EMAIL -o FILE``: a referral dossier from the command line."""
from __future__ import annotations

from pathlib import Path

import click
from flask_babel import force_locale
from sqlmodel import select

from ..casework.cases import case_by_reference
from ..casework.errors import CaseworkError
from ..db import get_session
from ..models import Person, ReferralConsent, User
from ..staff.scope import Scope
from .consent import MECHANISMS, ConsentMissing
from .content import REDACTIONS
from .make import DossierRequest, make_dossier


@click.command("dossier")
@click.argument("reference")
@click.option("--mechanism", type=click.Choice(MECHANISMS), required=True, help="The referral.")
@click.option("--person", "person_id", type=int, help="The person it is about (default: the one with a consent).")
@click.option("--source", "source_id", type=int, help="The source (default: the case's primary person).")
@click.option("--withhold", multiple=True, type=click.Choice(sorted(REDACTIONS)), help="Leave this out (repeatable).")
@click.option("--country", help="Police: the country of the incidents (default: where the person lives).")
@click.option("--language", default="en", show_default=True, help="The dossier's language.")
@click.option("--as", "email", required=True, help="The caseworker making it (password asked for, not echoed).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
def dossier_command(reference: str, mechanism: str, person_id: int | None, source_id: int | None,
                    withhold: tuple[str, ...], country: str | None, language: str, email: str, output: Path) -> None:
    """Write the referral dossier of case REFERENCE as a PDF, record the intervention and audit it.

    The caseworker's password opens the sealed names for this command only (DESIGN §2), and the
    case must be one of their communities', as on the staff pages.
    """
    from ..maintenance.organisation_key import unlock_as

    session = get_session()
    with unlock_as(email), force_locale("en"):
        user = session.exec(select(User).where(User.email == email.strip().lower())).one()
        case = case_by_reference(session, reference)
        if user.role != "caseworker" or case is None or not _visible_to(session, user, case):
            raise click.ClickException(f"no case {reference} that {email} can see")
        wanted = DossierRequest(person_id or _consented_person(session, case.id, mechanism), mechanism,
                                source_id=source_id, redactions=frozenset(withhold),
                                host_country=country.upper() if country else None, language=language)
        try:
            made = make_dossier(session, case, wanted, user_id=user.id)
        except ConsentMissing as error:
            session.commit()  # the refusal stays in the audit log
            raise click.ClickException(str(error)) from error
        except CaseworkError as error:
            session.rollback()
            raise click.ClickException(str(error)) from error
        output.write_bytes(made.pdf)
        session.commit()
    click.echo(f"Wrote {output} ({len(made.pdf)} bytes, SHA-256 {made.sha256}); intervention "
               f"{made.intervention.id} is pending: record the response on the case page.")


def _visible_to(session, user: User, case) -> bool:
    """Need to know on the command line: the case's primary person's community, or assigned to them."""
    if case.assigned_to_id == user.id:
        return True
    person = session.get(Person, case.primary_person_id) if case.primary_person_id else None
    return Scope(user.id, frozenset(user.communities or ())).allows(person.community if person else None)


def _consented_person(session, case_id: int, mechanism: str) -> int:
    """The one person with a consent in force for this referral; ask for --person otherwise."""
    people = set(session.exec(select(ReferralConsent.person_id).where(
        ReferralConsent.case_id == case_id, ReferralConsent.mechanism == mechanism,
        ReferralConsent.withdrawn_at.is_(None))).all())
    if len(people) != 1:
        raise click.ClickException("say which person the dossier is about with --person "
                                   f"({len(people)} have a consent to this referral)")
    return people.pop()
