"""talent pool tags, re-applications, hires, survey, audit log, richer events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 01:30:24.288297

"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', app.database.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_email', sa.String(length=320), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('target_type', sa.String(length=50), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_entry_at', ['at'], unique=False)

    op.create_table('hire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('attributed', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_hire_candidate_id_candidate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hire'))
    )
    with op.batch_alter_table('hire', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hire_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('reapplication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('vacancy', sa.String(length=200), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_reapplication_candidate_id_candidate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reapplication'))
    )
    with op.batch_alter_table('reapplication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reapplication_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('pool_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['pool_membership.id'], name=op.f('fk_pool_tag_membership_id_pool_membership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_tag')),
    sa.UniqueConstraint('membership_id', 'kind', 'value', name='uq_pool_tag_membership_kind_value')
    )
    with op.batch_alter_table('pool_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_tag_membership_id'), ['membership_id'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('useful', sa.Integer(), nullable=False),
    sa.Column('recommend', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('recommend BETWEEN 0 AND 10', name=op.f('ck_survey_response_recommend_range')),
    sa.CheckConstraint('useful BETWEEN 1 AND 5', name=op.f('ck_survey_response_useful_range')),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_survey_response_booking_id_booking'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_survey_response_booking_id'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_requested_at', app.database.UTCDateTime(), nullable=True))

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('rejected_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('value', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_column('survey_requested_at')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('user_id')
        batch_op.drop_column('value')
        batch_op.drop_column('rejected_on')
        batch_op.drop_column('reason')

    op.drop_table('survey_response')
    with op.batch_alter_table('pool_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_tag_membership_id'))

    op.drop_table('pool_tag')
    with op.batch_alter_table('reapplication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reapplication_candidate_id'))

    op.drop_table('reapplication')
    with op.batch_alter_table('hire', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hire_candidate_id'))

    op.drop_table('hire')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_at')
        batch_op.drop_index(batch_op.f('ix_audit_entry_action'))

    op.drop_table('audit_entry')
