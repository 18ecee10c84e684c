"""Urgent reports get queue walks of their own, and every walk carries what filters test.

A queue filtered on urgent reports walked every report of the status (or of the status and a
community) and read each row to find the few flagged urgent: at 1,000,000 incidents a filter on
urgent Eritrean reports of one tactic read all 15,892 open Eritrean reports for 88 matches
(issue 17). Two partial indexes hold only urgent reports, in the queue's order: by status, and
by status and community. SQLite uses a partial index only when the query repeats its condition,
so the queue writes ``urgent_risk = 1`` as the index does; and it keeps no statistics, so the
indexes lead with ``urgent_risk`` (1 in every row) to match one more of the query's equalities
than the full walks, which SQLite would otherwise take.

Every queue walk also carries, after its order, the columns that other filters test (community
where the walk is not by community, urgency, origin and host country, assignee, tactics): SQLite
tests them on the index entry and reads no row that fails them. A filter matching 5 of the 15,892
open Eritrean reports by host country read all of their rows (50 ms); it now reads index entries
(2 ms). A report's tactics are rows of their own (report_code), so ``report.tactics`` holds them
again as ``|code|code|``, filled here from the codes of every report there is.

Revision ID: 0019
Revises: 0018
Created: 2026-12-03 22:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

FILTERED = ['origin_country', 'host_country', 'assigned_to_id', 'tactics']
FILL_TACTICS = {
    'postgresql': "UPDATE report SET tactics = '|' || COALESCE((SELECT string_agg(code || '|', '' ORDER BY code) "
                  "FROM report_code WHERE report_code.report_id = report.id AND report_code.vocabulary = 'tactic'), '')",
    'sqlite': "UPDATE report SET tactics = '|' || COALESCE((SELECT group_concat(code || '|', '') "
              "FROM report_code WHERE report_code.report_id = report.id AND report_code.vocabulary = 'tactic'), '')",
}
WALKS = {
    'ix_report_queue': (['status', 'submitted_at', 'id'], ['community', 'urgent_risk']),
    'ix_report_queue_community': (['status', 'community', 'submitted_at', 'id'], ['urgent_risk']),
}


def upgrade() -> None:
    op.add_column('report', sa.Column('tactics', sa.Text(), nullable=True))
    # '|' and each code followed by '|' (models.reports.tactic_key; order does not matter to a search).
    op.execute(FILL_TACTICS[op.get_bind().dialect.name])
    for name, (order, carried) in WALKS.items():
        op.drop_index(name, table_name='report')
        op.create_index(name, 'report', order + carried + FILTERED, unique=False)
    urgent = {'sqlite_where': sa.text('urgent_risk = 1'), 'postgresql_where': sa.text('urgent_risk')}
    op.create_index('ix_report_urgent_queue', 'report',
                    ['urgent_risk', 'status', 'submitted_at', 'id', 'community'] + FILTERED, unique=False, **urgent)
    op.create_index('ix_report_urgent_queue_community', 'report',
                    ['urgent_risk', 'status', 'community', 'submitted_at', 'id'] + FILTERED, unique=False, **urgent)


def downgrade() -> None:
    op.drop_index('ix_report_urgent_queue_community', table_name='report')
    op.drop_index('ix_report_urgent_queue', table_name='report')
    for name, (order, _carried) in WALKS.items():
        op.drop_index(name, table_name='report')
        op.create_index(name, 'report', order, unique=False)
    with op.batch_alter_table('report') as batch_op:
        batch_op.drop_column('tactics')
