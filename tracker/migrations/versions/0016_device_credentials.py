"""Offline collection: credentials of the devices that send reports over OpenRosa (issue 15 item 2).

Revision ID: 0016
Revises: 0015
Created: 2026-12-03 14:50:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('device_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('secret_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('last_used_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_device_credential_created_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['staff_user.id'], name=op.f('fk_device_credential_revoked_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_credential')),
    sa.UniqueConstraint('secret_digest', name=op.f('uq_device_credential_secret_digest')),
    sa.UniqueConstraint('username', name=op.f('uq_device_credential_username'))
    )


def downgrade() -> None:
    op.drop_table('device_credential')
