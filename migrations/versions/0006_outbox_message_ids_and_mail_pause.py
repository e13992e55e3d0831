"""outbox: a stable Message-ID per e-mail and the lease holder; the mail server's pause state

Revision ID: 0006_mail_ids
Revises: 0005_staff_sessions
Create Date: 2026-12-03 12:00:00.000000

- ``outbox_message.message_id``: chosen when the e-mail is queued and sent unchanged at every attempt.
  E-mails already queued get one now.
- ``outbox_message.locked_by``: the worker ("host:pid") holding the lease.
- ``mail_server_status``: one row; sending pauses while the worker cannot connect to or sign in at the
  mail server.
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = '0006_mail_ids'
down_revision = '0005_staff_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('locked_by', sa.String(length=100), nullable=True))
    # Rows queued before this release: an id of their own, in the form the worker used to send them.
    outbox = sa.table('outbox_message', sa.column('id', sa.Integer), sa.column('message_id', sa.String))
    op.execute(outbox.update().where(outbox.c.message_id.is_(None)).values(
        message_id=sa.literal('<outbox') + sa.cast(outbox.c.id, sa.String) + sa.literal('@feedbackspreekuur>')))
    op.create_index(op.f('ix_outbox_message_message_id'), 'outbox_message', ['message_id'], unique=True)
    op.create_table(
        'mail_server_status',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('paused_since', app.database.UTCDateTime(), nullable=True),
        sa.Column('problem', sa.String(length=20), nullable=True),
        sa.Column('detail', sa.String(length=500), nullable=False),
        sa.Column('tried_at', app.database.UTCDateTime(), nullable=True),
        sa.CheckConstraint('id = 1', name=op.f('ck_mail_server_status_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_server_status')),
    )


def downgrade():
    op.drop_table('mail_server_status')
    op.drop_index(op.f('ix_outbox_message_message_id'), table_name='outbox_message')
    with op.batch_alter_table('outbox_message', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('locked_by')
        batch_op.drop_column('message_id')
