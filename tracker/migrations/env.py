"""Alembic environment: the app's own engine, the models' metadata, batch mode for SQLite."""
from __future__ import annotations

import warnings

from alembic import context
from sqlmodel import SQLModel

import tracker.models  # noqa: F401 - registers every table on SQLModel.metadata
from tracker.models.types import SealedJSON, SealedText

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_, obj, autogen_context):
    """Write sealed columns as plain binary: migrations must not depend on the keyring."""
    if type_ == "type" and isinstance(obj, (SealedText, SealedJSON)):
        autogen_context.imports.add("import sqlalchemy as sa")
        return "sa.LargeBinary()"
    if type_ == "type" and obj.__class__.__module__.startswith("sqlmodel"):
        autogen_context.imports.add("import sqlmodel")
    return False


def run_migrations_online() -> None:
    """Migrate over a connection from the engine ``tracker.db`` put in the config."""
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=render_item,
        )
        with context.begin_transaction(), warnings.catch_warnings():
            # SQLite cannot reflect the expression index on folded place names (migration
            # 0018), so `flask db check` could not compare it there and said so at every run;
            # PostgreSQL reflects and compares it.
            for message in ("Skipped unsupported reflection of expression-based index ix_location_name_folded",
                            "autogenerate skipping metadata-specified expression-based index "
                            "'ix_location_name_folded'"):
                warnings.filterwarnings("ignore", message=message)
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `flask db upgrade`.")
run_migrations_online()
