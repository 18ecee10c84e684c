"""The database: one engine per app, one session per request, and ``flask db``."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app, g
from flask.cli import AppGroup
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, sealer=None) -> Engine:
    """Create an engine for this URL, with SQLite made safe for concurrent, durable use."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
    else:
        engine = create_engine(url, pool_pre_ping=True)
        if parsed.get_backend_name() == "postgresql":
            event.listen(engine, "connect", _configure_postgresql)
    # Sealed column types find the keyring through the dialect of the engine they run on, so
    # keys are per app and never global (see tracker.models.types).
    engine.dialect.tracker_sealer = sealer
    return engine


def _configure_postgresql(dbapi_connection, _record) -> None:
    """Per-connection PostgreSQL settings: no JIT compilation and no parallel workers.

    The app's queries read a few rows through indexes, but where names repeat (a family name
    held by thousands) the planner's estimates run to thousands of rows, and it then compiled
    the query and started two workers: at 1,000,000 incidents a person page's duplicate search,
    0.4 ms of work, took 110 ms (17 ms of JIT, about 20 ms of starting workers, and waiting for
    them). Neither pays off for anything this app runs, bulk commands included.
    """
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    dbapi_connection.commit()  # a SET inside a transaction rolled back would be undone


def _configure_sqlite(dbapi_connection, _record) -> None:
    """Per-connection SQLite settings, for this engine only (STYLE: no global listeners)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # FULL: a report acknowledged to its sender survives a power cut, not just a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    # Deleted personal data is overwritten with zeros, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def init_app(app: Flask) -> None:
    """Create the app's engine and close each request's session on teardown."""
    sealer = app.extensions["tracker.sealer"]
    app.extensions["tracker.engine"] = make_engine(app.config["DATABASE_URL"], sealer)
    app.teardown_appcontext(close_session)
    app.cli.add_command(db_cli)


def get_engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["tracker.engine"]


def get_session() -> Session:
    """The session of the current request or command, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine())
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Close the session; anything not committed explicitly is rolled back."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def is_database_alive() -> bool:
    """Whether the database answers a trivial query (for /healthz)."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not alive"; the probe must not crash
        return False


def alembic_config(engine: Engine) -> AlembicConfig:
    """Alembic configured in code: no alembic.ini to keep in sync. (Alembic, with Mako and
    Pygments behind it, is imported only by the `flask db` commands: issue 17, start-up.)"""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@click.group("db", cls=AppGroup)
def db_cli() -> None:
    """Manage the database schema."""


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(get_engine()), revision)
    click.echo(f"Database upgraded to {revision}.")
    from .models import OrganisationKey

    if get_session().exec(select(OrganisationKey.id)).first() is None:
        click.echo("No organisation key yet, so no report can be received. Make it and the first admin with:\n"
                   "  flask --app tracker keys init --admin EMAIL")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Revert migrations down to REVISION."""
    from alembic import command

    command.downgrade(alembic_config(get_engine()), revision)


@db_cli.command("current")
def current_command() -> None:
    """Show the revision the database is at."""
    from alembic import command

    command.current(alembic_config(get_engine()))


@db_cli.command("heads")
def heads_command() -> None:
    """Show the newest revisions (more than one means a merge is needed)."""
    from alembic import command

    command.heads(alembic_config(get_engine()))


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def revision_command(message: str, autogenerate: bool) -> None:
    """Write a new migration, compared against the models by default."""
    from alembic import command

    command.revision(alembic_config(get_engine()), message=message, autogenerate=autogenerate)


@db_cli.command("check")
def check_command() -> None:
    """Fail if the models have changes that no migration covers."""
    from alembic import command

    command.check(alembic_config(get_engine()))
    click.echo("The migrations match the models.")
