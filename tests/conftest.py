"""Fixtures shared by every test: an app on a fresh database, its client, runner and session.

The suite runs on SQLite by default. Set TRACKER_TEST_DATABASE_URL to a PostgreSQL URL (for
example postgresql+psycopg://postgres@127.0.0.1:5432/test) to run it on PostgreSQL: the run
creates a database of its own on that server, so concurrent runs cannot collide, and drops it
at the end.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlmodel import SQLModel

import tracker.models  # noqa: F401 - registers every table
from tracker import create_app, keyholder, orgkey, sealed_box
from tracker.config import generate_keys
from tracker.models import OrganisationKey
from tracker.staff.passwords import STANDARD_PROFILE, TEST_ONLY_PROFILE

TEST_KEYS = generate_keys()
# One organisation key for the run, installed in every test database. Staff made by
# tests/factories.py are granted it; tests that read sealed values directly hold it open
# (``organisation_key_open``), while every request starts with nothing open (tracker.keyholder).
TEST_ORG_PRIVATE = sealed_box.new_private_key()
TEST_ORG_KID = orgkey.key_id_for(sealed_box.public_bytes(TEST_ORG_PRIVATE))


def install_test_organisation_key(engine) -> None:
    """Put the run's organisation public key in a test database (no recovery wrap is usable)."""
    with engine.begin() as connection:
        connection.execute(OrganisationKey.__table__.insert().values(
            id=TEST_ORG_KID, public_key=sealed_box.public_bytes(TEST_ORG_PRIVATE), recovery_wrapped=b"\0" * 60))


@pytest.fixture(autouse=True)
def organisation_key_open():
    """Hold the test organisation key open around the test's own code (not inside requests)."""
    with keyholder.holding({TEST_ORG_KID: TEST_ORG_PRIVATE}):
        yield
POSTGRES_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")


def pytest_collection_modifyitems(items) -> None:
    """The PostgreSQL run skips what no engine changes (marked ``engine_independent``: the
    accessibility and the weight of rendered pages). The SQLite run of the same suite checks it,
    and CI runs the two side by side, so it was checked twice for nothing and made the PostgreSQL
    run, the longer of the two, longer still."""
    if not POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="engine-independent: checked by the SQLite run")
    for item in items:
        if item.get_closest_marker("engine_independent"):
            item.add_marker(skip)


def pytest_report_header(config) -> str:
    """Say which engine this run tests, so a green run on the wrong engine cannot pass unnoticed."""
    return f"tracker database: {'postgresql' if POSTGRES_URL else 'sqlite'}"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """A database of this run's own on the PostgreSQL server, or None when testing SQLite."""
    if not POSTGRES_URL:
        yield None
        return
    server = make_url(POSTGRES_URL)
    name = f"tracker_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    SQLModel.metadata.create_all(engine)
    install_test_organisation_key(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_test_app(tmp_path: Path, database_url: str, **overrides):
    """An app over this database with fresh test keys; tests may override any setting."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "EVIDENCE_FOLDER": str(tmp_path / "evidence"),
        "RATELIMIT_STORAGE_URI": "memory://",
        # argon2-cffi's profile for tests: signing staff in at 64 MiB per check dominated CI.
        # tests/staff/test_passwords.py checks the production profile separately.
        "PASSWORD_HASH_PROFILE": TEST_ONLY_PROFILE if overrides.get("TESTING", True) else STANDARD_PROFILE,
        **TEST_KEYS,
        **overrides,
    }
    application = create_app(config, instance_path=str(tmp_path / "instance"))
    application.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
    return application


class SharedTemplateBytecode(BytecodeCache):
    """Compiled templates shared by every test app of the run. Each app has its own Jinja
    environment and would compile each template again; Jinja checks the source's checksum
    before using a cached one, so a changed template is still compiled afresh."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_BYTECODE = SharedTemplateBytecode()


@pytest.fixture
def app_config() -> dict:
    """Per-test setting overrides; a test module can override this fixture."""
    return {}


@pytest.fixture(scope="session")
def empty_sqlite_database(tmp_path_factory) -> Path:
    """An SQLite file holding the schema and no rows, made once per run and copied for each test:
    creating ~30 tables and their indexes and triggers one statement at a time, with fsync, cost
    more than most tests themselves."""
    path = tmp_path_factory.mktemp("schema") / "empty.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    install_test_organisation_key(engine)
    engine.dispose()
    return path


@pytest.fixture
def app(tmp_path: Path, postgres_database: str | None, app_config: dict, request):
    """The app on an empty database: a copy of the empty SQLite file, or the run's PostgreSQL database."""
    if postgres_database is None:
        shutil.copyfile(request.getfixturevalue("empty_sqlite_database"), tmp_path / "tracker.sqlite3")
    url = postgres_database or f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    application = make_test_app(tmp_path, url, **app_config)
    engine = application.extensions["tracker.engine"]
    yield application
    if postgres_database is not None:
        _empty_postgres(engine)
    engine.dispose()


def _empty_postgres(engine) -> None:
    """Empty every table between tests and restart every id sequence.

    Row by row with triggers off (the audit log's append-only triggers would refuse, and there
    are no foreign-key checks to make when everything goes): a test leaves a few rows, and
    TRUNCATE of ~30 tables cost ~120 ms a test, minutes of a run, against ~5 ms for this.
    Turning triggers off needs a superuser; otherwise TRUNCATE, which fires no row triggers.
    """
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    try:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                connection.execute(table.delete())
            connection.execute(text("SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                                    "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"))
    except ProgrammingError:  # not a superuser
        names = ", ".join(f'"{table.name}"' for table in tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    install_test_organisation_key(engine)


@pytest.fixture
def client(app):
    """A test client for HTTP requests."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's command-line commands."""
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """The database session of an app context that lasts the whole test."""
    from tracker.db import get_session

    with app.app_context():
        yield get_session()


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """Fetch a page and return the CSRF token of its form, as a browser would."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_FIELD.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """POST a form the way a browser does: load the form page first, send its CSRF token."""
    payload = {"csrf_token": csrf_token(client, form_url or url), **data}
    return client.post(url, data=payload, **kwargs)


def login_as(client, user, password: str | None = None):
    """Sign ``user`` in through the real login form, with a TOTP code computed from its secret.

    The code is for the first time step after the last one the server accepted (a code is
    accepted only once), so a test may sign the same user in twice within one 30-second step.
    """
    from tests.factories import STAFF_PASSWORD

    code = next_totp_code(user)
    return post_form(client, "/staff/login", {"email": user.email, "password": password or STAFF_PASSWORD,
                                              "otp": code}, form_url="/staff/login")


def next_totp_code(user, secret: str | None = None) -> str:
    """The code of the first time step the server has not yet accepted for ``user``."""
    import pyotp

    from tracker.staff import clock
    from tracker.staff.second_factor import time_step

    step = max(time_step(clock.now()), (user.totp_last_step or -1) + 1)
    return pyotp.TOTP(secret or user.totp_secret).generate_otp(step)
