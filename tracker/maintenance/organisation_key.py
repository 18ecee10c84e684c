"""``flask keys init | migrate | recover``: make the organisation key, move an existing
installation onto it, and regain access with the offline recovery key (issue 16 §1).

A command that must read personal data (``geocode pending``) is unlocked by a person typing
their password: ``unlock_as`` opens the key for that command only, never for cron.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from sqlmodel import Session, select

from .. import audit, keyholder, orgkey, sealed_box
from ..crypto import get_sealer
from ..db import get_session
from ..key_check import require_matching_keyring
from ..models import User
from ..staff.accounts import AccountError, create_user
from ..staff.passwords import current_parameters, verify_password
from .keys import keys_cli, reseal_with
from .reseal import DEFAULT_BATCH_SIZE

RECOVERY_NOTICE = (
    "RECOVERY KEY (shown once, never stored): {code}\n"
    "Write it on paper and keep it offline, away from this server. With it, `flask keys recover`\n"
    "gives access back if every staff password is lost; without it and without any staff\n"
    "password, the personal data on this server can never be read again."
)


def _account(db: Session, email: str) -> User | None:
    return db.exec(select(User).where(User.email == email.strip().lower())).first()


def make_organisation_key(db: Session, admin_email: str) -> tuple[str, str | None]:
    """Create the organisation key and grant it to this admin (created if missing); return the
    recovery code and the admin's one-time password (None for an existing account)."""
    kid, private_key, recovery = orgkey.create_organisation_key(db)
    user, password = _account(db, admin_email), None
    if user is None:
        try:
            user, password = create_user(db, admin_email, "admin", granting_key=(kid, private_key))
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        # The founding admin is a member of every community; everyone after is given access
        # through approved requests (tracker.staff.approvals).
        user.communities = ["*"]
    elif user.key_public is None:
        raise click.ClickException(f"{user.email} has no key pair yet: sign in once, then run this again")
    else:
        orgkey.grant(user, kid, private_key)
    audit.record(db, "keys.organisation_key_create", actor="system", object_type="organisation_key",
                 object_id=None, detail={"key_id": kid, "granted_to": user.id})
    db.commit()
    get_sealer().set_organisation_key(kid, sealed_box.public_bytes(private_key))
    return recovery, password


@keys_cli.command("init")
@click.option("--admin", "email", required=True, help="The first admin, who will hold the key.")
def init_command(email: str) -> None:
    """Make the organisation key and the first admin who holds it (only once: later runs change nothing)."""
    db = get_session()
    if orgkey.has_organisation_key(db):
        click.echo("The organisation key exists already; nothing to do.")
        return
    require_matching_keyring()
    recovery, password = make_organisation_key(db, email)
    click.echo(f"Made the organisation key; {email} holds it.")
    if password:
        click.echo(f"One-time password for {email} (change it at first sign-in, then enrol the "
                   f"authenticator app shown only to you): {password}")
    click.echo(RECOVERY_NOTICE.format(code=recovery))


@keys_cli.command("migrate")
@click.option("--admin", "email", required=True, help="An admin to hold the new organisation key.")
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True)
def migrate_command(email: str, batch_size: int) -> None:
    """Move an existing installation onto the organisation key: make it if needed, then re-seal
    every personal value and evidence file still sealed with the server's own keyring."""
    require_matching_keyring()
    db = get_session()
    if not orgkey.has_organisation_key(db):
        user = _account(db, email)
        if user is not None and user.key_public is None:
            password = click.prompt(f"Password of {user.email}", hide_input=True)
            if not verify_password(user.password_hash, password):
                raise click.ClickException("wrong password")
            orgkey.provision_personal_key(user, password, current_parameters())
        recovery, one_time = make_organisation_key(db, email)
        if one_time:
            click.echo(f"One-time password for {email}: {one_time}")
        click.echo(RECOVERY_NOTICE.format(code=recovery))
    counts = reseal_with(dict(current_app.config), batch_size)
    click.echo(f"Re-sealed {sum(counts.values())} values and files to the organisation key: {json.dumps(counts)}")
    click.echo("The keys in keys.json now open only service secrets (TOTP secrets); see SECURITY.md.")


@keys_cli.command("recover")
@click.argument("email")
def recover_command(email: str) -> None:
    """Grant the organisation key to an account using the offline recovery key (typed, not echoed)."""
    db = get_session()
    user = _account(db, email)
    if user is None or user.key_public is None or not user.active:
        raise click.ClickException("no active account with a key pair has that email (sign in once first)")
    code = click.prompt("Recovery key", hide_input=True)
    try:
        kid, private_key = orgkey.open_with_recovery_code(db, code)
    except orgkey.KeyAccessError as exc:
        raise click.ClickException(str(exc)) from exc
    orgkey.grant(user, kid, private_key)
    audit.record(db, "keys.recover", actor="system", object_type="user", object_id=user.id)
    db.commit()
    click.echo(f"{user.email} can open case data from their next sign-in.")


@contextmanager
def unlock_as(email: str) -> Iterator[None]:
    """Open the organisation key for one command with a staff member's password, typed now."""
    db = get_session()
    user = _account(db, email)
    password = click.prompt(f"Password of {email}", hide_input=True)
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise click.ClickException("wrong email or password")
    opened = orgkey.open_with_password(user, password, current_parameters())
    if opened is None:
        raise click.ClickException(f"{email} has no access to case data")
    audit.record(db, "keys.unlock_command", user_id=user.id, object_type="user", object_id=user.id)
    db.commit()
    with keyholder.holding({opened[0]: opened[1]}):
        yield
