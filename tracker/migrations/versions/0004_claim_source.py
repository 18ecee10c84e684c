"""Verification with the source of each claim: the claim_source table.

Revision ID: 0004
Revises: 0003
Created: 2026-11-28 22:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('claim_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('claim', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('source_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(report_id IS NULL) <> (incident_id IS NULL)', name=op.f('ck_claim_source_one_subject')),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_claim_source_evidence_id_evidence'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_claim_source_incident_id_incident'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'],
                            name=op.f('fk_claim_source_recorded_by_id_staff_user')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_claim_source_report_id_report'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_source'))
    )
    with op.batch_alter_table('claim_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_source_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_source_report_id'), ['report_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('claim_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_source_report_id'))
        batch_op.drop_index(batch_op.f('ix_claim_source_incident_id'))
    op.drop_table('claim_source')
