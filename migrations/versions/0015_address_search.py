"""address search: a whole e-mail address as the search term, found through an index

Revision ID: 0015_address_search
Revises: 0014_personal_line
Create Date: 2026-12-04 18:30:00

The staff lists search a piece of a name or address with ILIKE '%…%', which SQLite answers by reading every
row and PostgreSQL's trigram index answers slowly for a whole address (the common domain's trigrams hold
every row). A whole address is now matched as that address, whatever its case, through an index on
``lower(column)`` (an expression both databases index):

- ``candidate``: ``lower(email)`` (addresses are stored as typed or imported, in any case);
- ``audit_entry``: ``lower(user_email), id``, the person's entries newest first;
- ``outbox_message``: a new column ``to_email``, the bare address of ``to_address`` (which holds the name
  too, "Name <address>"), filled in here from ``to_address`` for the messages already there, and indexed on
  ``lower(to_email), id``.
"""
from email.utils import parseaddr

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_address_search'
down_revision = '0014_personal_line'
branch_labels = None
depends_on = None

BATCH = 5_000


def _fill_to_email(connection) -> None:
    """``to_email`` of every message from its ``to_address``, in batches by id."""
    last = 0
    while True:
        rows = connection.execute(sa.text(
            "SELECT id, to_address FROM outbox_message WHERE id > :last ORDER BY id LIMIT :batch"),
            {"last": last, "batch": BATCH}).all()
        if not rows:
            return
        connection.execute(sa.text("UPDATE outbox_message SET to_email = :email WHERE id = :id"),
                           [{"id": id_, "email": parseaddr(address or "")[1]} for id_, address in rows])
        last = rows[-1][0]


def upgrade():
    op.add_column("outbox_message", sa.Column("to_email", sa.String(320), nullable=False, server_default=""))
    _fill_to_email(op.get_bind())
    op.create_index("ix_candidate_email_lower", "candidate", [sa.text("lower(email)")])
    op.create_index("ix_outbox_message_to_email_lower_id", "outbox_message", [sa.text("lower(to_email)"), "id"])
    op.create_index("ix_audit_entry_user_email_lower_id", "audit_entry", [sa.text("lower(user_email)"), "id"])


def downgrade():
    op.drop_index("ix_audit_entry_user_email_lower_id", table_name="audit_entry")
    op.drop_index("ix_outbox_message_to_email_lower_id", table_name="outbox_message")
    op.drop_index("ix_candidate_email_lower", table_name="candidate")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("to_email")
