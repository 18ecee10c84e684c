"""Evidence files in the database, for several app hosts over one PostgreSQL (issue 17 item 3).

Revision ID: 0013
Revises: 0012
Created: 2026-12-03 14:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence_blob',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('name', 'part', name=op.f('pk_evidence_blob'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # Sealed bytes do not compress: store them out of line without trying to.
        op.execute("ALTER TABLE evidence_blob ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table('evidence_blob')
