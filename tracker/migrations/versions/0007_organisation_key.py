"""Sealing to the organisation's public key (issue 16 §1): the organisation key, each staff
member's own key pair and grant, keys wrapped per session and API token, server-side receipt
sessions, and the reporter's key for their message thread.

Revision ID: 0007
Revises: 0006
Created: 2026-12-03 11:50:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisation_key',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('recovery_wrapped', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_key'))
    )
    op.create_table('receipt_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('reporter_key_wrapped', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_receipt_session_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_session'))
    )
    with op.batch_alter_table('receipt_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_session_report_id'), ['report_id'], unique=False)
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_public', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('key_private_wrapped', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('key_salt', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('org_key_grant', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_key_wrapped', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_key_wrapped', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_key', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_for_reporter', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('body_for_reporter')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('reporter_key')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('org_key_wrapped')
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_column('org_key_wrapped')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('org_key_grant')
        batch_op.drop_column('key_salt')
        batch_op.drop_column('key_private_wrapped')
        batch_op.drop_column('key_public')
    with op.batch_alter_table('receipt_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_session_report_id'))
    op.drop_table('receipt_session')
    op.drop_table('organisation_key')
