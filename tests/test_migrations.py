"""Alembic: a fresh upgrade yields exactly the models' schema, and downgrade undoes it."""
from __future__ import annotations

import secrets

import pytest

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from tracker.db import alembic_config, make_engine

from .conftest import POSTGRES_URL


def fresh_engine(tmp_path):
    """An empty database of the engine under test (never the shared test database)."""
    if not POSTGRES_URL:
        return make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}"), None
    server = make_url(POSTGRES_URL)
    name = f"tracker_migrate_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_engine(server.set(database=name).render_as_string(hide_password=False)), (admin, name)


def drop(engine, cleanup):
    engine.dispose()
    if cleanup:
        admin, name = cleanup
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# SQLite cannot reflect an expression index (ix_location_name_folded), so alembic skips it there
# and says so; PostgreSQL reflects and compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_fresh_upgrade_matches_the_models(tmp_path):
    engine, cleanup = fresh_engine(tmp_path)
    try:
        command.upgrade(alembic_config(engine), "head")
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        drop(engine, cleanup)


def test_downgrade_to_base_removes_every_table(tmp_path):
    engine, cleanup = fresh_engine(tmp_path)
    try:
        config = alembic_config(engine)
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        drop(engine, cleanup)


def test_migrated_audit_log_is_append_only(tmp_path):
    engine, cleanup = fresh_engine(tmp_path)
    try:
        command.upgrade(alembic_config(engine), "head")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO audit_event (at, actor, action, outcome, prev_hash, hash) "
                "VALUES (CURRENT_TIMESTAMP, 'system', 'test', 'success', 'a', 'b')"))
        for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
            try:
                with engine.begin() as connection:
                    connection.execute(text(statement))
            except Exception as exc:  # noqa: BLE001 - either engine's error type
                assert "append-only" in str(exc)
            else:
                raise AssertionError(f"{statement} was allowed")
    finally:
        drop(engine, cleanup)


def test_reports_from_before_0019_get_their_tactics(tmp_path):
    # The queue's walks carry report.tactics (migration 0019); reports already there are filled
    # from their codes, so a tactic filter finds them through the walk as it finds new ones.
    engine, cleanup = fresh_engine(tmp_path)
    try:
        config = alembic_config(engine)
        command.upgrade(config, "0018")
        with engine.begin() as connection:
            reports = {1: [("tactic", "spyware"), ("tactic", "coercion_by_proxy"), ("channel", "phone")],
                       2: [("channel", "phone")]}
            for report_id, codes in reports.items():
                connection.execute(text(
                    "INSERT INTO report (id, submitted_at, language, intake_channel, submitter_role, targets, "
                    "event_date_precision, consent_contact, consent_statistics, consent_partners, urgent_risk, "
                    "status, priority, verification, last_activity_at, is_synthetic) VALUES (:id, "
                    "CURRENT_TIMESTAMP, 'en', 'web', 'self', '[]', 'unknown', false, false, false, false, 'new', "
                    "'normal', 'unverified', CURRENT_TIMESTAMP, false)"), {"id": report_id})
                for vocabulary, code in codes:
                    connection.execute(text("INSERT INTO report_code VALUES (:id, :vocabulary, :code)"),
                                       {"id": report_id, "vocabulary": vocabulary, "code": code})
        command.upgrade(config, "head")
        with engine.connect() as connection:
            tactics = dict(connection.execute(text("SELECT id, tactics FROM report ORDER BY id")).all())
        assert set(tactics[1].strip("|").split("|")) == {"spyware", "coercion_by_proxy"}
        assert tactics[1].startswith("|") and tactics[1].endswith("|")
        assert tactics[2] == "|"
    finally:
        drop(engine, cleanup)
