"""booking modes: how and with whom a conversation takes place, and why a candidate cancelled

Revision ID: 0013_booking_modes
Revises: 0012_import_mappings
Create Date: 2026-12-03 16:45:00.000000

- ``feedback_session.offers_on_site`` / ``offers_video`` / ``offers_phone``: the ways of talking a session
  offers (at least one, checked). Existing sessions offer on site, and video where they have a video link
  and no location.
- ``booking.host_id``: the recruiter the candidate talks to; ``booking.mode`` (on_site, video, phone) and
  ``booking.phone`` (the number to call: required for a phone call, checked); ``booking.cancel_reason``.
  Existing bookings take the way their session offered (video when it had only a video link).
- The one-active-booking-per-slot index now covers bookings without a host; a second one allows one
  active booking per slot and host.
- ``user_account.job_title``; ``event.detail`` (a fixed code such as the reason for cancelling).

On SQLite the columns are added in place (ALTER TABLE ... ADD COLUMN with the check as a column constraint):
rebuilding ``booking`` would delete the notes and surveys that refer to it (foreign keys are on).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_booking_modes'
down_revision = '0012_import_mappings'
branch_labels = None
depends_on = None

ACTIVE_UNHOSTED = sa.text("status <> 'cancelled' AND host_id IS NULL")
ACTIVE_HOSTED = sa.text("status <> 'cancelled' AND host_id IS NOT NULL")
ACTIVE = sa.text("status <> 'cancelled'")

OFFERS_A_MODE = "offers_on_site OR offers_video OR offers_phone"
MODE_VALUES = "mode IN ('on_site', 'video', 'phone')"
PHONE_FOR_PHONE_MODE = "mode <> 'phone' OR phone <> ''"


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute("ALTER TABLE feedback_session ADD COLUMN offers_on_site BOOLEAN DEFAULT 1 NOT NULL")
        op.execute("ALTER TABLE feedback_session ADD COLUMN offers_video BOOLEAN DEFAULT 0 NOT NULL")
        op.execute(f"ALTER TABLE feedback_session ADD COLUMN offers_phone BOOLEAN DEFAULT 0 NOT NULL "
                   f"CONSTRAINT ck_feedback_session_offers_a_mode CHECK ({OFFERS_A_MODE})")
        op.execute("ALTER TABLE booking ADD COLUMN host_id INTEGER "
                   "CONSTRAINT fk_booking_host_id_user_account REFERENCES user_account (id)")
        op.execute(f"ALTER TABLE booking ADD COLUMN mode VARCHAR(20) DEFAULT 'on_site' NOT NULL "
                   f"CONSTRAINT ck_booking_booking_mode CHECK ({MODE_VALUES})")
        op.execute(f"ALTER TABLE booking ADD COLUMN phone VARCHAR(40) DEFAULT '' NOT NULL "
                   f"CONSTRAINT ck_booking_phone_for_phone_mode CHECK ({PHONE_FOR_PHONE_MODE})")
    else:
        op.add_column('feedback_session', sa.Column('offers_on_site', sa.Boolean(), server_default=sa.true(),
                                                    nullable=False))
        op.add_column('feedback_session', sa.Column('offers_video', sa.Boolean(), server_default=sa.false(),
                                                    nullable=False))
        op.add_column('feedback_session', sa.Column('offers_phone', sa.Boolean(), server_default=sa.false(),
                                                    nullable=False))
        op.create_check_constraint(op.f('ck_feedback_session_offers_a_mode'), 'feedback_session', OFFERS_A_MODE)
        op.add_column('booking', sa.Column('host_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_booking_host_id_user_account'), 'booking', 'user_account', ['host_id'], ['id'])
        op.add_column('booking', sa.Column('mode', sa.String(length=20), server_default='on_site', nullable=False))
        op.create_check_constraint(op.f('ck_booking_booking_mode'), 'booking', MODE_VALUES)
        op.add_column('booking', sa.Column('phone', sa.String(length=40), server_default='', nullable=False))
        op.create_check_constraint(op.f('ck_booking_phone_for_phone_mode'), 'booking', PHONE_FOR_PHONE_MODE)

    with op.batch_alter_table('booking', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=20), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_booking_host_id'), ['host_id'], unique=False)
        batch_op.drop_index('uq_booking_active_slot', sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.create_index('uq_booking_active_slot', ['slot_id'], unique=True,
                              sqlite_where=ACTIVE_UNHOSTED, postgresql_where=ACTIVE_UNHOSTED)
        batch_op.create_index('uq_booking_active_slot_host', ['slot_id', 'host_id'], unique=True,
                              sqlite_where=ACTIVE_HOSTED, postgresql_where=ACTIVE_HOSTED)
    with op.batch_alter_table('user_account', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('job_title', sa.String(length=100), server_default='', nullable=False))
    with op.batch_alter_table('event', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('detail', sa.String(length=20), server_default='', nullable=False))

    # What existing sessions and bookings offered: a video link without a location meant a video call.
    video_only = "video_url <> '' AND location = ''"
    op.execute(f"UPDATE feedback_session SET offers_video = {'1' if sqlite else 'true'} WHERE video_url <> ''")
    op.execute(f"UPDATE feedback_session SET offers_on_site = {'0' if sqlite else 'false'} WHERE {video_only}")
    op.execute("UPDATE booking SET mode = 'video' WHERE slot_id IN (SELECT slot.id FROM slot JOIN feedback_session "
               f"ON feedback_session.id = slot.feedback_session_id WHERE {video_only})")


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table('event', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('detail')
    with op.batch_alter_table('user_account', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('job_title')
    with op.batch_alter_table('booking', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('uq_booking_active_slot_host', sqlite_where=ACTIVE_HOSTED, postgresql_where=ACTIVE_HOSTED)
        batch_op.drop_index('uq_booking_active_slot', sqlite_where=ACTIVE_UNHOSTED, postgresql_where=ACTIVE_UNHOSTED)
        batch_op.create_index('uq_booking_active_slot', ['slot_id'], unique=True,
                              sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.drop_index(batch_op.f('ix_booking_host_id'))
        batch_op.drop_column('cancel_reason')
    if sqlite:
        # In place, each column after the ones whose checks name it (a rebuild of booking would cascade).
        for table, column in (('booking', 'phone'), ('booking', 'mode'), ('booking', 'host_id'),
                              ('feedback_session', 'offers_phone'), ('feedback_session', 'offers_video'),
                              ('feedback_session', 'offers_on_site')):
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
        return
    op.drop_constraint(op.f('ck_booking_phone_for_phone_mode'), 'booking', type_='check')
    op.drop_column('booking', 'phone')
    op.drop_constraint(op.f('ck_booking_booking_mode'), 'booking', type_='check')
    op.drop_column('booking', 'mode')
    op.drop_constraint(op.f('fk_booking_host_id_user_account'), 'booking', type_='foreignkey')
    op.drop_column('booking', 'host_id')
    op.drop_constraint(op.f('ck_feedback_session_offers_a_mode'), 'feedback_session', type_='check')
    for column in ('offers_phone', 'offers_video', 'offers_on_site'):
        op.drop_column('feedback_session', column)
