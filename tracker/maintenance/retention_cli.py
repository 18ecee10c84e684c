"""``flask retention``: apply the retention rules (from cron) and extend a case's retention."""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from datetime import date
from collections.abc import Iterator

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import text
from sqlmodel import select

from .. import audit
from ..db import get_session
from ..evidence_store import current_store
from ..models import Case, User
from .retention import apply_rules, extend_case_retention

# pg_try_advisory_xact_lock key: one retention run at a time across every host.
RETENTION_LOCK = 727275
# Evidence files no row names are erased once this old: far longer than any submission takes.
ORPHAN_GRACE_SECONDS = 3600


class RunInProgress(Exception):
    """Another retention run holds the lock; this one does nothing."""


@contextmanager
def single_run() -> Iterator[None]:
    """Hold an exclusive lock file in the instance folder, so cron runs never overlap."""
    os.makedirs(current_app.instance_path, mode=0o700, exist_ok=True)
    fd = os.open(os.path.join(current_app.instance_path, "retention.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RunInProgress from exc
        yield
    finally:
        os.close(fd)


@click.group("retention", cls=AppGroup)
def retention_cli() -> None:
    """Apply the retention rules."""


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; change nothing.")
def run_command(dry_run: bool) -> None:
    """Delete or clear personal data the rules say must go (safe to run from cron)."""
    session = get_session()
    try:
        with single_run():
            if session.get_bind().dialect.name == "postgresql" and not session.execute(
                    text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": RETENTION_LOCK}).scalar():
                raise RunInProgress
            # Orphans first: the rules' deletions, still uncommitted, must not make their files look orphaned.
            store = current_store()
            orphans = store.orphans(ORPHAN_GRACE_SECONDS)
            purge = apply_rules(session, current_app.config)
            if orphans:
                purge.counts["orphan evidence files"] = len(orphans)
            summary = dict(sorted(purge.counts.items()))
            if dry_run:
                session.rollback()
            else:
                audit.record(session, "retention.run", actor="system", detail=summary or {"changed": 0})
                session.commit()
                purge.erase_files(store)
                store.erase(orphans)
    except RunInProgress:
        click.echo("Another retention run is in progress; nothing done.")
        return
    verb = "Would change" if dry_run else "Changed"
    lines = [f"  {name}: {count}" for name, count in summary.items()] or ["  nothing"]
    click.echo("\n".join([f"{verb}:", *lines]))


@retention_cli.command("extend")
@click.argument("reference")
@click.option("--until", "until", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--by", "email", required=True, help="The staff member who decided the extension.")
def extend_command(reference: str, until, email: str) -> None:
    """Keep the personal data of case REFERENCE until a date (audited)."""
    session = get_session()
    case = session.exec(select(Case).where(Case.reference == reference)).first()
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if case is None or user is None:
        raise click.ClickException("no such case or staff member")
    if until.date() <= date.today():
        raise click.ClickException("the new retention date must be in the future")
    extend_case_retention(session, case, until.date(), user_id=user.id)
    session.commit()
    click.echo(f"Case {reference} is kept until {until.date().isoformat()}.")
