"""Need to know (issue 16 §4): the communities each account may see, and access requests that
wait for a second admin's approval or a notified delay.

Accounts that exist before this migration keep seeing every community ("*"), so an upgrade
changes nobody's work; admins narrow them afterwards, and new accounts start with none.

Revision ID: 0009
Revises: 0008
Created: 2026-12-03 12:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('communities', sa.JSON(), server_default='[]', nullable=False))
    op.execute(sa.text("UPDATE staff_user SET communities = '[\"*\"]' WHERE role IN ('caseworker', 'admin')"))
    op.create_table('access_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('communities', sa.JSON(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('not_before', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_access_request_decided_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff_user.id'], name=op.f('fk_access_request_requested_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_access_request_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_request'))
    )
    with op.batch_alter_table('access_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_request_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_request_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('access_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_request_user_id'))
        batch_op.drop_index(batch_op.f('ix_access_request_status'))
    op.drop_table('access_request')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('communities')
