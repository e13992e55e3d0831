"""calls and advice: the phone call after an interview, and the advice library for the written summary

Revision ID: 0010_calls_advice
Revises: 0009_feedback_session_names
Create Date: 2026-12-03 16:30:00.000000

- ``candidate.phone``: the phone number, when the applicant tracking system gave one.
- ``call_record``: each call to a candidate rejected after an interview (reached, not reached, call back at),
  the points given and whether they want the feedback hour as well (at most one reached call per candidate);
  personal data, erased with the candidate.
- ``advice_snippet``: reusable advice per language, field of work and topic, with a short title; retired
  ones are kept.
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = '0010_calls_advice'
down_revision = '0009_feedback_session_names'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


TOPICS = ('went_well', 'improve', 'cv_profile', 'other')


def upgrade():
    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))

    op.create_table(
        'call_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('outcome', _enum('call_outcome', 'reached', 'not_reached', 'call_back'), nullable=False),
        sa.Column('called_at', app.database.UTCDateTime(), nullable=False),
        sa.Column('call_back_at', app.database.UTCDateTime(), nullable=True),
        sa.Column('points', sa.Text(), nullable=False),
        sa.Column('wants_feedback_hour', sa.Boolean(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("(outcome = 'call_back') = (call_back_at IS NOT NULL)",
                           name=op.f('ck_call_record_call_back_has_time')),
        sa.CheckConstraint("outcome = 'reached' OR NOT wants_feedback_hour",
                           name=op.f('ck_call_record_wish_needs_reached')),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_call_record_candidate_id_candidate'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                                name=op.f('fk_call_record_recorded_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_record')),
    )
    op.create_index(op.f('ix_call_record_candidate_id'), 'call_record', ['candidate_id'], unique=False)
    reached = sa.text("outcome = 'reached'")
    op.create_index('uq_call_record_reached_candidate', 'call_record', ['candidate_id'], unique=True,
                    sqlite_where=reached, postgresql_where=reached)

    op.create_table(
        'advice_snippet',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('field', _enum('advice_field', 'any', 'it', 'sales', 'care'), nullable=False),
        sa.Column('topic', _enum('advice_topic', *TOPICS), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
        sa.Column('updated_at', app.database.UTCDateTime(), nullable=False),
        sa.Column('retired_at', app.database.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_advice_snippet')),
        sa.UniqueConstraint('language', 'title', name=op.f('uq_advice_snippet_language_title')),
    )


def downgrade():
    op.drop_table('advice_snippet')
    op.drop_index('uq_call_record_reached_candidate', table_name='call_record')
    op.drop_index(op.f('ix_call_record_candidate_id'), table_name='call_record')
    op.drop_table('call_record')
    # Without recreating the table (SQLite drops the plain column natively), as 0007 does for its columns.
    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('phone')
