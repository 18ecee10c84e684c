"""Incidents remember what they were merged into, so deduplication can be undone.

Revision ID: 0002
Revises: 0001
Created: 2026-11-28 20:10:20.458107
"""
from __future__ import annotations

from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

FK_NAME = "fk_incident_merged_into_id_incident"


@contextmanager
def foreign_keys_off_on_sqlite():
    """SQLite rebuilds the table in batch mode, dropping the old one; with foreign keys on, that
    drop would cascade to every incident's codes, sources and involvements. The pragma works
    only outside a transaction, hence the autocommit blocks."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    yield
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    with foreign_keys_off_on_sqlite(), op.batch_alter_table("incident") as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK_NAME, "incident", ["merged_into_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with foreign_keys_off_on_sqlite(), op.batch_alter_table("incident") as batch_op:
        batch_op.drop_constraint(FK_NAME, type_="foreignkey")
        batch_op.drop_column("merged_into_id")
