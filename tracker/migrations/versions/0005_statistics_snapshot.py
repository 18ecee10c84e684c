"""Stored counts of the analyst dashboard's tables: the statistics_snapshot table.

Revision ID: 0005
Revises: 0004
Created: 2026-11-28 22:10:22
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statistics_snapshot',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_statistics_snapshot'))
    )
    with op.batch_alter_table('statistics_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistics_snapshot_computed_at'), ['computed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('statistics_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_snapshot_computed_at'))
    op.drop_table('statistics_snapshot')
