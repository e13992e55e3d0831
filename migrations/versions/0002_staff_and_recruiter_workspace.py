"""staff accounts, session hosts, notes, outcomes, e-mail templates, talent pool consent, feedback rules

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:23:39.312520

"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # Existing bookings get "no outcome yet" through the server defaults.
    op.create_table('email_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('stage', sa.Enum('cv_screening', 'phone', 'interview', name='template_stage', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_template')),
    sa.UniqueConstraint('language', 'stage', name='uq_email_template_language_stage')
    )
    op.create_table('feedback_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('pattern', sa.String(length=300), nullable=False),
    sa.Column('suggestion', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_rule'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('role', sa.Enum('recruiter', 'hr', 'admin', name='user_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('feed_token_hash', sa.String(length=64), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', app.database.UTCDateTime(), nullable=True),
    sa.Column('last_login_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email')),
    sa.UniqueConstraint('feed_token_hash', name=op.f('uq_user_account_feed_token_hash'))
    )
    op.create_table('pool_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('booking', 'recruiter', 'link', name='pool_source', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('requested_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('consented_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('expires_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_at', app.database.UTCDateTime(), nullable=True),
    sa.Column('renewal_requested_at', app.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_pool_membership_candidate_id_candidate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_membership'))
    )
    with op.batch_alter_table('pool_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_membership_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('session_host',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['feedback_session.id'], name=op.f('fk_session_host_session_id_feedback_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_session_host_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_session_host'))
    )
    op.create_table('preparation_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('went_well', sa.Text(), nullable=False),
    sa.Column('why_not', sa.Text(), nullable=False),
    sa.Column('advice', sa.Text(), nullable=False),
    sa.Column('free_notes', sa.Text(), nullable=False),
    sa.Column('updated_at', app.database.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_preparation_note_booking_id_booking'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_preparation_note_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_preparation_note')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_preparation_note_booking_id'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_late', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('suitable_after_all', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('follow_up_action', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('follow_up_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('outcome_recorded_at', app.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('summary_sent_at', app.database.UTCDateTime(), nullable=True))

    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited_at', app.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('invite_reminder_at', app.database.UTCDateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('invite_reminder_at')
        batch_op.drop_column('invited_at')

    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_column('summary_sent_at')
        batch_op.drop_column('outcome_recorded_at')
        batch_op.drop_column('follow_up_on')
        batch_op.drop_column('follow_up_action')
        batch_op.drop_column('suitable_after_all')
        batch_op.drop_column('cancelled_late')

    op.drop_table('preparation_note')
    op.drop_table('session_host')
    with op.batch_alter_table('pool_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_membership_candidate_id'))

    op.drop_table('pool_membership')
    op.drop_table('user_account')
    op.drop_table('feedback_rule')
    op.drop_table('email_template')
