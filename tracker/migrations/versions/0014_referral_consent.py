"""Referral consent: who agreed, when and how, that a person's case may go to a UN mechanism or
the host-country police (issue 15 item 4).

Revision ID: 0014
Revises: 0013
Created: 2026-12-03 14:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('referral_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('mechanism', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('given_by_person_id', sa.Integer(), nullable=True),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_referral_consent_case_id_case_file'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['given_by_person_id'], ['person.id'],
                            name=op.f('fk_referral_consent_given_by_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_referral_consent_person_id_person'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'],
                            name=op.f('fk_referral_consent_recorded_by_id_staff_user')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['staff_user.id'],
                            name=op.f('fk_referral_consent_withdrawn_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_consent'))
    )
    with op.batch_alter_table('referral_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_consent_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_consent_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referral_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_consent_person_id'))
        batch_op.drop_index(batch_op.f('ix_referral_consent_case_id'))
    op.drop_table('referral_consent')
