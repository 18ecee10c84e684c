"""A queue search for a place finds its locations, reports and incidents through indexes.

The queue searched places by walking every report of the status and checking each row's
location, so a search that named no place at all (a name that matched nobody) read the whole
queue: issue 17. The search now first asks which locations carry the name (by gazetteer id, or
by a hand-set display name in any case) and, when few do, which reports and incidents point at
them. Deleting a location also stops reading every report and incident to clear the pointer.

The open queue walks the queue index once per status (new, in triage) and merges the walks,
and a queue filtered on a community walks ``ix_report_queue_community`` (status, community,
time): over ``status IN (...)`` SQLite sorted every open report, or entered through the urgent
or community index and sorted all their rows.

The indexes of merged people and incidents (0017) become partial, holding only merged rows:
SQLite keeps no statistics, and offered a full index it took ``merged_into_id IS NULL`` (true
of nearly every row) as a way into the table, reading every incident to suggest duplicates.

Revision ID: 0018
Revises: 0017
Created: 2026-12-03 17:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


MERGED = sa.text('merged_into_id IS NOT NULL')


def upgrade() -> None:
    for table in ('person', 'incident'):
        op.drop_index(f'ix_{table}_merged_into_id', table_name=table)
        op.create_index(f'ix_{table}_merged_into_id', table, ['merged_into_id'], unique=False,
                        sqlite_where=MERGED, postgresql_where=MERGED)
    op.create_index(op.f('ix_location_gazetteer_id'), 'location', ['gazetteer_id'], unique=False)
    op.create_index('ix_location_name_folded', 'location', [sa.text('lower(name)')], unique=False)
    op.create_index(op.f('ix_report_location_id'), 'report', ['location_id'], unique=False)
    op.create_index(op.f('ix_incident_location_id'), 'incident', ['location_id'], unique=False)
    op.create_index('ix_report_queue_community', 'report', ['status', 'community', 'submitted_at', 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_report_queue_community', table_name='report')
    op.drop_index(op.f('ix_incident_location_id'), table_name='incident')
    op.drop_index(op.f('ix_report_location_id'), table_name='report')
    op.drop_index('ix_location_name_folded', table_name='location')
    op.drop_index(op.f('ix_location_gazetteer_id'), table_name='location')
    for table in ('person', 'incident'):
        op.drop_index(f'ix_{table}_merged_into_id', table_name=table)
        op.create_index(f'ix_{table}_merged_into_id', table, ['merged_into_id'], unique=False)
