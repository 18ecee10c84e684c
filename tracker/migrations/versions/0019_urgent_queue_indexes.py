"""Urgent reports get queue walks of their own.

A queue filtered on urgent reports walked every report of the status (or of the status and a
community) and read each row to find the few flagged urgent: at 1,000,000 incidents a filter on
urgent Eritrean reports of one tactic read all 15,892 open Eritrean reports for 88 matches
(issue 17). Two partial indexes hold only urgent reports, in the queue's order: by status, and
by status and community. SQLite uses a partial index only when the query repeats its condition,
so the queue writes ``urgent_risk = 1`` as the index does; and it keeps no statistics, so the
indexes lead with ``urgent_risk`` (1 in every row) to match one more of the query's equalities
than the full walks, which SQLite would otherwise take.

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


def upgrade() -> None:
    urgent = {'sqlite_where': sa.text('urgent_risk = 1'), 'postgresql_where': sa.text('urgent_risk')}
    op.create_index('ix_report_urgent_queue', 'report', ['urgent_risk', 'status', 'submitted_at', 'id'],
                    unique=False, **urgent)
    op.create_index('ix_report_urgent_queue_community', 'report',
                    ['urgent_risk', 'status', 'community', 'submitted_at', 'id'], unique=False, **urgent)


def downgrade() -> None:
    op.drop_index('ix_report_urgent_queue_community', table_name='report')
    op.drop_index('ix_report_urgent_queue', table_name='report')
