"""Spreadsheet import: fingerprints of rows already imported (issue 15 item 1).

Revision ID: 0012
Revises: 0011
Created: 2026-12-03 12:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('imported_row',
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('community', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_imported_row_incident_id_incident'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_imported_row_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('fingerprint', name=op.f('pk_imported_row'))
    )
    with op.batch_alter_table('imported_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imported_row_source_sha256'), ['source_sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('imported_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imported_row_source_sha256'))
    op.drop_table('imported_row')
