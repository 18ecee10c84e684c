"""Statistics kept current as data changes (issue 17): maintained margins and their cells.

Revision ID: 0008
Revises: 0007
Created: 2026-12-03 11:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statistics_margin',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('dimensions', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('counted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_statistics_margin'))
    )
    op.create_table('statistics_cell',
    sa.Column('margin_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('cell', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['margin_key'], ['statistics_margin.key'],
                            name=op.f('fk_statistics_cell_margin_key_statistics_margin'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('margin_key', 'cell', name=op.f('pk_statistics_cell'))
    )


def downgrade() -> None:
    op.drop_table('statistics_cell')
    op.drop_table('statistics_margin')
