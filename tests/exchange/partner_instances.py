"""A second tracker instance for exchange tests: its own database and its own organisation key.

The first instance is the usual ``app`` (the run's test organisation key); the partner has a key
of its own, so nothing sealed on one instance opens on the other.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from tests.conftest import POSTGRES_URL, make_test_app
from tests.factories import STAFF_PASSWORD, make_user
from tracker import keyholder, orgkey, sealed_box
from tracker.db import get_session
from tracker.models import OrganisationKey

PARTNER_PRIVATE = sealed_box.new_private_key()
PARTNER_KID = orgkey.key_id_for(sealed_box.public_bytes(PARTNER_PRIVATE))


@dataclass
class Card:
    """What `flask exchange identity` prints: what a partner registers an instance with."""

    recipient: str
    signing_key: str
    fingerprint: str


def identity_of(application: Flask, organisation: str) -> Card:
    """Make (or show) the instance's exchange identity through the command line."""
    with application.app_context():  # the CLI runner uses whichever app context is current
        output = application.test_cli_runner().invoke(
            args=["exchange", "identity", "--organisation", organisation]).output
    found = dict(re.findall(r"^(age recipient|signing key|fingerprint):\s+(\S+)$", output, re.M))
    return Card(found["age recipient"], found["signing key"], found["fingerprint"])


def run(application: Flask, *args: str, password: str = STAFF_PASSWORD):
    """Invoke a command of this instance, typing the staff password when asked."""
    with application.app_context():  # the CLI runner uses whichever app context is current
        return application.test_cli_runner().invoke(args=list(args), input=password + "\n")


def register(application: Flask, admin_email: str, name: str, card: Card):
    """Register a partner on this instance through the command line."""
    result = run(application, "exchange", "partner", "add", name, "--recipient", card.recipient,
                 "--signing-key", card.signing_key, "--as", admin_email)
    assert result.exit_code == 0, result.output
    return result


@contextmanager
def partner_session(application: Flask):
    """A session of the partner instance with the partner's organisation key open."""
    with application.app_context(), keyholder.holding({PARTNER_KID: PARTNER_PRIVATE}):
        yield get_session()


def partner_user(application: Flask, role: str, **fields):
    """A staff account of the partner instance, holding the partner's organisation key."""
    with partner_session(application) as session:
        user = make_user(session, role, granted=False, **fields)
        orgkey.grant(user, PARTNER_KID, PARTNER_PRIVATE)
        session.add(user)
        session.commit()
        return user.email


def register_each_other(app: Flask, session, partner_app: Flask) -> dict:
    """Org A (``app``) and Org B (``partner_app``) made, and each registered as the other's partner:
    the caseworkers' and B's admin's emails and both cards."""
    admin_a, worker_a = make_user(session, "admin"), make_user(session, "caseworker")
    admin_b, worker_b = partner_user(partner_app, "admin"), partner_user(partner_app, "caseworker")
    card_a, card_b = identity_of(app, "Org A"), identity_of(partner_app, "Org B")
    register(app, admin_a.email, "Org B", card_b)
    register(partner_app, admin_b, "Org A", card_a)
    return {"a": worker_a.email, "b": worker_b, "admin_b": admin_b, "card_a": card_a, "card_b": card_b}


def _install_partner_key(engine) -> None:
    with engine.begin() as connection:
        connection.execute(OrganisationKey.__table__.insert().values(
            id=PARTNER_KID, public_key=sealed_box.public_bytes(PARTNER_PRIVATE), recovery_wrapped=b"\0" * 60))


def partner_instance(tmp_path: Path) -> Iterator[Flask]:
    """The partner organisation's instance: a database of its own (same engine as the run).

    Test modules make it a fixture: ``partner_app = pytest.fixture(partner_instance)``.
    """
    admin, name = None, None
    if POSTGRES_URL:
        server = make_url(POSTGRES_URL)
        name = f"tracker_partner_{secrets.token_hex(4)}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'partner.sqlite3'}"
    engine = create_engine(url)
    SQLModel.metadata.create_all(engine)
    _install_partner_key(engine)
    engine.dispose()
    (tmp_path / "partner").mkdir()
    application = make_test_app(tmp_path / "partner", url)
    yield application
    application.extensions["tracker.engine"].dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
