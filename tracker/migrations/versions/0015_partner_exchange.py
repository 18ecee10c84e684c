"""Exchange with partner organisations: partners, the exchange identity, packages, exchange ids,
and the source partner of imported incidents and people (issue 15 item 3).

Revision ID: 0015
Revises: 0014
Created: 2026-12-03 14:50:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exchange_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation', sa.LargeBinary(), nullable=False),
    sa.Column('age_recipient', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('age_identity', sa.LargeBinary(), nullable=False),
    sa.Column('signing_public', sa.LargeBinary(), nullable=False),
    sa.Column('signing_private', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_identity'))
    )
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.LargeBinary(), nullable=False),
    sa.Column('name_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('age_recipient', sa.LargeBinary(), nullable=False),
    sa.Column('recipient_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('signing_key', sa.LargeBinary(), nullable=True),
    sa.Column('signing_key_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_partner_created_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner')),
    sa.UniqueConstraint('name_digest', name=op.f('uq_partner_name_digest')),
    sa.UniqueConstraint('recipient_digest', name=op.f('uq_partner_recipient_digest')),
    sa.UniqueConstraint('signing_key_digest', name=op.f('uq_partner_signing_key_digest'))
    )
    op.create_table('exchange_package',
    sa.Column('package_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('redaction', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_exchange_package_partner_id_partner'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_exchange_package_user_id_staff_user')),
    sa.PrimaryKeyConstraint('package_id', name=op.f('pk_exchange_package'))
    )
    with op.batch_alter_table('exchange_package', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_package_partner_id'), ['partner_id'], unique=False)

    op.create_table('exchange_record',
    sa.Column('uid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('local_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_exchange_record_partner_id_partner'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_exchange_record')),
    sa.UniqueConstraint('kind', 'local_id', name=op.f('uq_exchange_record_kind'))
    )
    with op.batch_alter_table('exchange_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_record_partner_id'), ['partner_id'], unique=False)

    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_incident_source_partner_id_partner'), 'partner', ['source_partner_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_person_source_partner_id_partner'), 'partner', ['source_partner_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_person_source_partner_id_partner'), type_='foreignkey')
        batch_op.drop_column('source_partner_id')

    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_incident_source_partner_id_partner'), type_='foreignkey')
        batch_op.drop_column('source_partner_id')

    with op.batch_alter_table('exchange_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_record_partner_id'))

    op.drop_table('exchange_record')
    with op.batch_alter_table('exchange_package', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_package_partner_id'))

    op.drop_table('exchange_package')
    op.drop_table('partner')
    op.drop_table('exchange_identity')
