"""staff sessions on the server, personal links that can be sent again, lost-link requests; no per-account lock

Revision ID: 0005_staff_sessions
Revises: 0004
Create Date: 2026-12-02 10:00:00.000000

- ``staff_session``: one row per sign-in (the SHA-256 of the random id in the cookie); signing out deletes it.
- ``invitation.nonce``: new links are an HMAC of it under the secret key, so the portal can send the same
  link again. Existing links have none and keep working (looked up by their hash, as before); a candidate
  who asks for their link again gets one new link of the new kind, and that one from then on.
- ``link_request``: the lost-link form records the address; the mail worker answers and deletes it.
- ``user_account.failed_logins`` and ``locked_until`` go: wrong passwords are counted per account and client
  address in the rate-limit storage, so that nobody can lock an account out and an unknown address
  answers the same as a known one.
- E-mails that already failed have their personal links hidden, as the mail worker now does when an e-mail
  fails; sending one again puts the candidate's valid link back.
"""
import re

import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = '0005_staff_sessions'
down_revision = '0004'
branch_labels = None
depends_on = None

# As app/tokens.py hides them (copied: a migration does not change when the app does).
_TOKEN_IN_LINK = re.compile(r"/b/[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
_HIDDEN_LINK = "/b/…"
_FOLDED = re.compile(r"\r\n[ \t]")


def _hide(text):
    return _TOKEN_IN_LINK.sub(_HIDDEN_LINK, text or "")


def _fold(line, octets=74):
    chunks, chunk, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if chunk and size + width > octets:
            chunks.append(chunk)
            chunk, size = "", 0
        chunk, size = chunk + char, size + width
    return "\r\n ".join([*chunks, chunk])


def _hide_in_ics(ics):
    if ics is None:
        return None
    text = _FOLDED.sub("", ics.decode("utf-8"))
    return "\r\n".join(_fold(_hide(line)) for line in text.split("\r\n")).encode("utf-8")


def upgrade():
    op.create_table('staff_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_session_token_hash'))
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_user_id'), ['user_id'], unique=False)

    op.create_table('link_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('requested_at', app.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_request'))
    )

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nonce', sa.String(length=43), nullable=True))

    # Not in batch mode: on SQLite that would copy user_account into a new table and drop the old one, and
    # with foreign keys on, dropping it would cascade to every row that refers to an account. SQLite
    # (3.35 and later) drops a plain column in place.
    op.drop_column('user_account', 'locked_until')
    op.drop_column('user_account', 'failed_logins')

    outbox = sa.table('outbox_message', sa.column('id', sa.Integer), sa.column('status', sa.String),
                      sa.column('body_text', sa.Text), sa.column('body_html', sa.Text),
                      sa.column('ics', sa.LargeBinary))
    connection = op.get_bind()
    failed = connection.execute(sa.select(outbox.c.id, outbox.c.body_text, outbox.c.body_html, outbox.c.ics)
                                .where(outbox.c.status == 'failed')).all()
    for row in failed:
        connection.execute(outbox.update().where(outbox.c.id == row.id).values(
            body_text=_hide(row.body_text), body_html=_hide(row.body_html), ics=_hide_in_ics(row.ics)))


def downgrade():
    # Hidden links in failed e-mails stay hidden: the tokens are not kept anywhere to put back.
    op.add_column('user_account', sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('user_account', sa.Column('locked_until', app.database.UTCDateTime(), nullable=True))

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('nonce')

    op.drop_table('link_request')
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_user_id'))

    op.drop_table('staff_session')
