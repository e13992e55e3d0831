"""integrations: rejections from applicant tracking systems, signed webhooks out, staff sign-in with OIDC

Revision ID: 0007_integrations
Revises: 0005_checker
Create Date: 2026-12-03 14:00:00.000000

- ``integration``: a system that sends rejections (API keys, a webhook with a shared secret), with the
  recruiters' choice of what follows (a personal line, or the default e-mail after a delay).
- ``api_key``: per integration, only the SHA-256 of each key, its scopes, revocation.
- ``webhook_receipt``: hashes of accepted webhook deliveries, against replays.
- ``candidate.integration_id`` / ``external_id`` (unique together: the ATS's own id, which makes sending
  the same rejection twice idempotent) and ``auto_send_at``.
- ``webhook_endpoint``, ``webhook_subscription``, ``webhook_delivery``: outgoing signed webhooks and
  their outbox.
- ``user_account.oidc_issuer`` / ``oidc_subject`` (unique together), ``role_source``, ``group_role``.
"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = '0007_integrations'
down_revision = '0005_checker'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    op.create_table(
        'integration',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('slug', sa.String(length=40), nullable=False),
        sa.Column('webhook_secret', sa.Text(), nullable=False),
        sa.Column('follow_up', _enum('integration_follow_up', 'personal_line', 'automatic'), nullable=False),
        sa.Column('auto_send_delay_minutes', sa.Integer(), nullable=False),
        sa.Column('default_language', sa.String(length=5), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
        sa.CheckConstraint('auto_send_delay_minutes BETWEEN 0 AND 10080', name=op.f('ck_integration_delay_range')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_integration')),
        sa.UniqueConstraint('slug', name=op.f('uq_integration_slug')),
    )
    op.create_table(
        'api_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('integration_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('prefix', sa.String(length=20), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=320), nullable=False),
        sa.Column('revoked_at', app.database.UTCDateTime(), nullable=True),
        sa.Column('last_used_at', app.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['integration_id'], ['integration.id'], name=op.f('fk_api_key_integration_id_integration'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_api_key_key_hash')),
        sa.UniqueConstraint('prefix', name=op.f('uq_api_key_prefix')),
    )
    op.create_index(op.f('ix_api_key_integration_id'), 'api_key', ['integration_id'], unique=False)
    op.create_table(
        'webhook_receipt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('integration_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('received_at', app.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['integration_id'], ['integration.id'],
                                name=op.f('fk_webhook_receipt_integration_id_integration'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_receipt')),
        sa.UniqueConstraint('integration_id', 'digest', name='uq_webhook_receipt_integration_digest'),
    )
    op.create_index(op.f('ix_webhook_receipt_received_at'), 'webhook_receipt', ['received_at'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its foreign key in place (a constraint alone it cannot add).
        op.execute('ALTER TABLE candidate ADD COLUMN integration_id INTEGER '
                   'CONSTRAINT fk_candidate_integration_id_integration REFERENCES integration (id)')
    else:
        op.add_column('candidate', sa.Column('integration_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_candidate_integration_id_integration'), 'candidate', 'integration',
                              ['integration_id'], ['id'])
    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('auto_send_at', app.database.UTCDateTime(), nullable=True))
    op.create_index(op.f('ix_candidate_integration_id'), 'candidate', ['integration_id'], unique=False)
    op.create_index(op.f('ix_candidate_auto_send_at'), 'candidate', ['auto_send_at'], unique=False)
    op.create_index('uq_candidate_integration_external_id', 'candidate', ['integration_id', 'external_id'],
                    unique=True)

    op.create_table(
        'webhook_endpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('secret', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('allow_private_network', sa.Boolean(), nullable=False),
        sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint')),
    )
    op.create_table(
        'webhook_subscription',
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'],
                                name=op.f('fk_webhook_subscription_endpoint_id_webhook_endpoint'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('endpoint_id', 'event', name=op.f('pk_webhook_subscription')),
    )
    op.create_table(
        'webhook_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=40), nullable=False),
        sa.Column('event_type', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('status', _enum('webhook_delivery_status', 'pending', 'sending', 'delivered', 'failed'),
                  nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', app.database.UTCDateTime(), nullable=False),
        sa.Column('locked_until', app.database.UTCDateTime(), nullable=True),
        sa.Column('locked_by', sa.String(length=100), nullable=True),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
        sa.Column('delivered_at', app.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'],
                                name=op.f('fk_webhook_delivery_endpoint_id_webhook_endpoint'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery')),
    )
    op.create_index('ix_webhook_delivery_due', 'webhook_delivery', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_webhook_delivery_endpoint_id'), 'webhook_delivery', ['endpoint_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('role_source', sa.String(length=20), server_default='portal', nullable=False))
        batch_op.add_column(sa.Column('group_role', sa.String(length=20), nullable=True))
    op.create_index('uq_user_account_oidc_identity', 'user_account', ['oidc_issuer', 'oidc_subject'], unique=True)
    if op.get_bind().dialect.name == 'postgresql':
        op.create_check_constraint(op.f('ck_user_account_user_role_source'), 'user_account',
                                   "role_source IN ('portal', 'groups')")
        op.create_check_constraint(op.f('ck_user_account_user_group_role'), 'user_account',
                                   "group_role IN ('recruiter', 'hr', 'admin')")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(op.f('ck_user_account_user_group_role'), 'user_account', type_='check')
        op.drop_constraint(op.f('ck_user_account_user_role_source'), 'user_account', type_='check')
    op.drop_index('uq_user_account_oidc_identity', table_name='user_account')
    with op.batch_alter_table('user_account', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('group_role')
        batch_op.drop_column('role_source')
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
    op.drop_index(op.f('ix_webhook_delivery_endpoint_id'), table_name='webhook_delivery')
    op.drop_index('ix_webhook_delivery_due', table_name='webhook_delivery')
    op.drop_table('webhook_delivery')
    op.drop_table('webhook_subscription')
    op.drop_table('webhook_endpoint')
    op.drop_index('uq_candidate_integration_external_id', table_name='candidate')
    op.drop_index(op.f('ix_candidate_auto_send_at'), table_name='candidate')
    op.drop_index(op.f('ix_candidate_integration_id'), table_name='candidate')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(op.f('fk_candidate_integration_id_integration'), 'candidate', type_='foreignkey')
    with op.batch_alter_table('candidate', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('auto_send_at')
        batch_op.drop_column('external_id')
        batch_op.drop_column('integration_id')
    op.drop_index(op.f('ix_webhook_receipt_received_at'), table_name='webhook_receipt')
    op.drop_table('webhook_receipt')
    op.drop_index(op.f('ix_api_key_integration_id'), table_name='api_key')
    op.drop_table('api_key')
    op.drop_table('integration')
