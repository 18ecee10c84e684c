"""A family's record (issue 12): status tracks' details, group sizes, transit countries, and the
person a reported relative became.

Existing relative statuses keep their codes: each code now belongs to the custody or the contact
track (tracker.taxonomy.status_track), so "contact_lost" rows move to the contact track without
being rewritten, and a detention recorded before stays the latest custody status.

Revision ID: 0006
Revises: 0005
Created: 2026-12-03 11:30:00
"""
from __future__ import annotations

from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

FK_NAME = "fk_reported_relative_person_id_person"
CODE = sqlmodel.sql.sqltypes.AutoString(length=40)


@contextmanager
def foreign_keys_off_on_sqlite():
    """SQLite rebuilds reported_relative in batch mode; keep foreign keys from cascading the drop."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    yield
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("group_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("group_size_kind", CODE, nullable=True))
    with op.batch_alter_table("incident") as batch_op:
        batch_op.add_column(sa.Column("transit_country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))
    with op.batch_alter_table("relative_status") as batch_op:
        batch_op.add_column(sa.Column("sentence_charge", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("sentence_court", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("retaliation_reason", CODE, nullable=True))
        batch_op.add_column(sa.Column("proof_of_life_kind", CODE, nullable=True))
        batch_op.add_column(sa.Column("health_concern", CODE, nullable=True))
        batch_op.add_column(sa.Column("health_note", sa.LargeBinary(), nullable=True))
        batch_op.create_index(batch_op.f("ix_relative_status_retaliation_reason"), ["retaliation_reason"], unique=False)
    with foreign_keys_off_on_sqlite(), op.batch_alter_table("reported_relative") as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_reported_relative_person_id"), ["person_id"], unique=False)
        batch_op.create_foreign_key(FK_NAME, "person", ["person_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with foreign_keys_off_on_sqlite(), op.batch_alter_table("reported_relative") as batch_op:
        batch_op.drop_constraint(FK_NAME, type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_reported_relative_person_id"))
        batch_op.drop_column("person_id")
    with op.batch_alter_table("relative_status") as batch_op:
        batch_op.drop_index(batch_op.f("ix_relative_status_retaliation_reason"))
        for name in ("health_note", "health_concern", "proof_of_life_kind", "retaliation_reason",
                     "sentence_court", "sentence_charge"):
            batch_op.drop_column(name)
    with op.batch_alter_table("incident") as batch_op:
        batch_op.drop_column("transit_country")
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("group_size_kind")
        batch_op.drop_column("group_size")
