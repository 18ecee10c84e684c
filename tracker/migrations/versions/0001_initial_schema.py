"""Initial schema: the whole domain model of DESIGN §3.

Revision ID: 0001
Revises: (none)
Created: 2026-11-28 19:05:56.823551
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# The audit log is append-only in the database itself (a frozen copy of tracker.models.audit).
APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "WHEN OLD.hash NOT LIKE 'pending-%' "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' AND OLD.hash LIKE 'pending-%' THEN RETURN NEW; END IF; "
        "RAISE EXCEPTION 'audit_event is append-only'; END $$",
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    ],
}


def upgrade() -> None:
    op.create_table('geocode_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('query_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('result', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_geocode_cache')),
    sa.UniqueConstraint('provider', 'query_digest', name=op.f('uq_geocode_cache_provider'))
    )
    op.create_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('raw_text', sa.LargeBinary(), nullable=True),
    sa.Column('country_hint', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('gazetteer_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('admin1', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('precision', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('geocoder', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('geocoded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location'))
    )
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_status'), ['status'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('names', sa.LargeBinary(), nullable=True),
    sa.Column('community', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('citizenships', sa.JSON(), nullable=False),
    sa.Column('residence_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('residence_place', sa.LargeBinary(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('target_types', sa.JSON(), nullable=False),
    sa.Column('is_group', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.LargeBinary(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['person.id'], name=op.f('fk_person_merged_into_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_person_pseudonym'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_community'), ['community'], unique=False)

    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('totp_secret', sa.LargeBinary(), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('totp_confirmed', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_user_email'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('token_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_api_token_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_api_token_token_digest'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('object_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_audit_event_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_event_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_event_prev_hash'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('case_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title', sa.LargeBinary(), nullable=True),
    sa.Column('primary_person_id', sa.Integer(), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('risk_level', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('retain_until', sa.Date(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['staff_user.id'], name=op.f('fk_case_file_assigned_to_id_staff_user')),
    sa.ForeignKeyConstraint(['primary_person_id'], ['person.id'], name=op.f('fk_case_file_primary_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_file')),
    sa.UniqueConstraint('reference', name=op.f('uq_case_file_reference'))
    )
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_file_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_status'), ['status'], unique=False)

    op.create_table('person_name_token',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_name_token_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'digest', name=op.f('pk_person_name_token')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('person_name_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_name_token_digest'), ['digest'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_recovery_code_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('relationship',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('related_person_id', sa.Integer(), nullable=False),
    sa.Column('relationship_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('since_precision', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('notes', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_relationship_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['related_person_id'], ['person.id'], name=op.f('fk_relationship_related_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relationship')),
    sa.UniqueConstraint('person_id', 'related_person_id', 'relationship_type', name=op.f('uq_relationship_person_id'))
    )
    with op.batch_alter_table('relationship', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relationship_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relationship_related_person_id'), ['related_person_id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('intake_channel', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('submitter_role', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('community', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('narrative', sa.LargeBinary(), nullable=True),
    sa.Column('perpetrator_affiliation', sa.LargeBinary(), nullable=True),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('event_date_precision', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('place_text', sa.LargeBinary(), nullable=True),
    sa.Column('place_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('origin_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('host_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('reporter_name', sa.LargeBinary(), nullable=True),
    sa.Column('contact', sa.LargeBinary(), nullable=True),
    sa.Column('consent_contact', sa.Boolean(), nullable=False),
    sa.Column('consent_statistics', sa.Boolean(), nullable=False),
    sa.Column('consent_partners', sa.Boolean(), nullable=False),
    sa.Column('urgent_risk', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('status_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('receipt_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('follow_up_of_id', sa.Integer(), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('risk_level', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('verification', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('last_activity_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('retain_until', sa.Date(), nullable=True),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['staff_user.id'], name=op.f('fk_report_assigned_to_id_staff_user')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['report.id'], name=op.f('fk_report_duplicate_of_id_report'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['follow_up_of_id'], ['report.id'], name=op.f('fk_report_follow_up_of_id_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_report_location_id_location'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_report_idempotency_key')),
    sa.UniqueConstraint('receipt_digest', name=op.f('uq_report_receipt_digest'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_community'), ['community'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_follow_up_of_id'), ['follow_up_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_host_country'), ['host_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_origin_country'), ['origin_country'], unique=False)
        batch_op.create_index('ix_report_queue', ['status', 'submitted_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_urgent_risk'), ['urgent_risk'], unique=False)

    op.create_table('staff_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('second_factor_done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_session_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session'))
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_user_id'), ['user_id'], unique=False)

    op.create_table('case_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_case_note_author_id_staff_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_note_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_note'))
    )
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_note_case_id'), ['case_id'], unique=False)

    op.create_table('case_person',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_person_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_case_person_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'person_id', name=op.f('pk_case_person'))
    )
    with op.batch_alter_table('case_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_person_person_id'), ['person_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('mime_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('stored_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('clean_stored_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('original_filename', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_evidence_case_id_case_file'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_evidence_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_stored_name'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_sha256'), ['sha256'], unique=False)

    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.LargeBinary(), nullable=True),
    sa.Column('summary', sa.LargeBinary(), nullable=True),
    sa.Column('primary_tactic', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('community', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('origin_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('host_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('start_precision', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_precision', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('host_state_role', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('verification', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_incident_case_id_case_file'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_incident_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_incident_location_id_location'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_community'), ['community'], unique=False)
        batch_op.create_index('ix_incident_host_start', ['host_country', 'start_date'], unique=False)
        batch_op.create_index('ix_incident_origin_start', ['origin_country', 'start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_primary_tactic'), ['primary_tactic'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_start_date'), ['start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_verification'), ['verification'], unique=False)

    op.create_table('intervention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('intervention_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('intervention_date', sa.Date(), nullable=True),
    sa.Column('description', sa.LargeBinary(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('outcome_note', sa.LargeBinary(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_intervention_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_intervention_created_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention'))
    )
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intervention_case_id'), ['case_id'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_message_author_id_staff_user')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_message_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_report_id'), ['report_id'], unique=False)

    op.create_table('report_code',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('vocabulary', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_code_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'vocabulary', 'code', name=op.f('pk_report_code')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('report_code', schema=None) as batch_op:
        batch_op.create_index('ix_report_code_lookup', ['vocabulary', 'code', 'report_id'], unique=False)

    op.create_table('reported_relative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('relationship_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('residence_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('residence_place', sa.LargeBinary(), nullable=True),
    sa.Column('statuses', sa.JSON(), nullable=False),
    sa.Column('in_retaliation', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('details', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_reported_relative_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reported_relative'))
    )
    with op.batch_alter_table('reported_relative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reported_relative_report_id'), ['report_id'], unique=False)

    op.create_table('custody_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_custody_event_evidence_id_evidence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_custody_event_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_event'))
    )
    with op.batch_alter_table('custody_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_event_evidence_id'), ['evidence_id'], unique=False)

    op.create_table('incident_code',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('vocabulary', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_code_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'vocabulary', 'code', name=op.f('pk_incident_code')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('incident_code', schema=None) as batch_op:
        batch_op.create_index('ix_incident_code_lookup', ['vocabulary', 'code', 'incident_id'], unique=False)

    op.create_table('incident_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_incident_id', sa.Integer(), nullable=False),
    sa.Column('to_incident_id', sa.Integer(), nullable=False),
    sa.Column('link_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['from_incident_id'], ['incident.id'], name=op.f('fk_incident_link_from_incident_id_incident'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_incident_id'], ['incident.id'], name=op.f('fk_incident_link_to_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_link')),
    sa.UniqueConstraint('from_incident_id', 'to_incident_id', 'link_type', name=op.f('uq_incident_link_from_incident_id'))
    )
    with op.batch_alter_table('incident_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_link_from_incident_id'), ['from_incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_link_to_incident_id'), ['to_incident_id'], unique=False)

    op.create_table('incident_report',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_report_incident_id_incident'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_incident_report_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'report_id', name=op.f('pk_incident_report')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('incident_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_report_report_id'), ['report_id'], unique=False)

    op.create_table('involvement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('tactic', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('perpetrator_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('attribution', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_involvement_incident_id_incident'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_involvement_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_involvement')),
    sa.UniqueConstraint('incident_id', 'person_id', 'role', name=op.f('uq_involvement_incident_id'))
    )
    with op.batch_alter_table('involvement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_involvement_person_id'), ['person_id'], unique=False)

    op.create_table('relative_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('relationship_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=True),
    sa.Column('date_precision', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('place_text', sa.LargeBinary(), nullable=True),
    sa.Column('in_retaliation', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('sentence_months', sa.Integer(), nullable=True),
    sa.Column('source', sa.LargeBinary(), nullable=True),
    sa.Column('notes', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_relative_status_incident_id_incident'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_relative_status_location_id_location'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_relative_status_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['relationship_id'], ['relationship.id'], name=op.f('fk_relative_status_relationship_id_relationship'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relative_status'))
    )
    with op.batch_alter_table('relative_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relative_status_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relative_status_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relative_status_relationship_id'), ['relationship_id'], unique=False)
        batch_op.create_index('ix_relative_status_status_date', ['status', 'status_date'], unique=False)


    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table('relative_status', schema=None) as batch_op:
        batch_op.drop_index('ix_relative_status_status_date')
        batch_op.drop_index(batch_op.f('ix_relative_status_relationship_id'))
        batch_op.drop_index(batch_op.f('ix_relative_status_person_id'))
        batch_op.drop_index(batch_op.f('ix_relative_status_incident_id'))

    op.drop_table('relative_status')
    with op.batch_alter_table('involvement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_involvement_person_id'))

    op.drop_table('involvement')
    with op.batch_alter_table('incident_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_report_report_id'))

    op.drop_table('incident_report')
    with op.batch_alter_table('incident_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_link_to_incident_id'))
        batch_op.drop_index(batch_op.f('ix_incident_link_from_incident_id'))

    op.drop_table('incident_link')
    with op.batch_alter_table('incident_code', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_code_lookup')

    op.drop_table('incident_code')
    with op.batch_alter_table('custody_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_event_evidence_id'))

    op.drop_table('custody_event')
    with op.batch_alter_table('reported_relative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reported_relative_report_id'))

    op.drop_table('reported_relative')
    with op.batch_alter_table('report_code', schema=None) as batch_op:
        batch_op.drop_index('ix_report_code_lookup')

    op.drop_table('report_code')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_report_id'))

    op.drop_table('message')
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intervention_case_id'))

    op.drop_table('intervention')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_verification'))
        batch_op.drop_index(batch_op.f('ix_incident_start_date'))
        batch_op.drop_index(batch_op.f('ix_incident_primary_tactic'))
        batch_op.drop_index('ix_incident_origin_start')
        batch_op.drop_index('ix_incident_host_start')
        batch_op.drop_index(batch_op.f('ix_incident_community'))
        batch_op.drop_index(batch_op.f('ix_incident_case_id'))

    op.drop_table('incident')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_report_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_case_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('case_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_person_person_id'))

    op.drop_table('case_person')
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_note_case_id'))

    op.drop_table('case_note')
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_user_id'))

    op.drop_table('staff_session')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_urgent_risk'))
        batch_op.drop_index('ix_report_queue')
        batch_op.drop_index(batch_op.f('ix_report_origin_country'))
        batch_op.drop_index(batch_op.f('ix_report_host_country'))
        batch_op.drop_index(batch_op.f('ix_report_follow_up_of_id'))
        batch_op.drop_index(batch_op.f('ix_report_community'))
        batch_op.drop_index(batch_op.f('ix_report_assigned_to_id'))

    op.drop_table('report')
    with op.batch_alter_table('relationship', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relationship_related_person_id'))
        batch_op.drop_index(batch_op.f('ix_relationship_person_id'))

    op.drop_table('relationship')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('person_name_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_name_token_digest'))

    op.drop_table('person_name_token')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_file_status'))
        batch_op.drop_index(batch_op.f('ix_case_file_assigned_to_id'))

    op.drop_table('case_file')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('staff_user')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_community'))

    op.drop_table('person')
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_status'))
        batch_op.drop_index(batch_op.f('ix_location_country'))

    op.drop_table('location')
    op.drop_table('geocode_cache')
