"""A key check value per data key id, so a wrong keyring is refused before it seals anything.

Revision ID: 0003
Revises: 0002
Created: 2026-11-28 22:20:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Starts empty: the first write after the upgrade records the keyring's values (see
    # tracker.key_check for what is then checked before every later write).
    op.create_table('data_key_check',
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('check_value', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key_id', name=op.f('pk_data_key_check'))
    )


def downgrade() -> None:
    op.drop_table('data_key_check')
