"""indexes for the staff lists at a million candidates: the sort and the filters, pg_trgm search on PostgreSQL

Revision ID: 0011_list_indexes
Revises: 0010_calls_advice
Create Date: 2026-12-03 16:40:00

The candidate list sorts by rejection date and filters by vacancy and department; the outbox and the audit
log are read newest first by state, kind or action. On PostgreSQL the searches for a piece of a name,
address or subject (ILIKE '%…%') use trigram GIN indexes of the pg_trgm extension. Creating the extension
needs the right to (a superuser or, from PostgreSQL 13, a database owner for a trusted extension): where it
cannot be created the search indexes are left out and the searches scan, as on SQLite.
"""
import logging

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_list_indexes'
down_revision = '0010_calls_advice'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

INDEXES = [
    ("candidate", "ix_candidate_rejected_on_id", ["rejected_on", "id"]),
    ("candidate", "ix_candidate_vacancy_rejected_on_id", ["vacancy", "rejected_on", "id"]),
    ("candidate", "ix_candidate_department_rejected_on_id", ["department", "rejected_on", "id"]),
    ("booking", "ix_booking_status_candidate_id", ["status", "candidate_id"]),
    ("outbox_message", "ix_outbox_message_status_id", ["status", "id"]),
    ("outbox_message", "ix_outbox_message_kind_id", ["kind", "id"]),
    ("audit_entry", "ix_audit_entry_action_id", ["action", "id"]),
    ("pool_tag", "ix_pool_tag_kind_value", ["kind", "value"]),
]
TRIGRAM_INDEXES = [
    ("candidate", "ix_candidate_name_trgm", "name"),
    ("candidate", "ix_candidate_email_trgm", "email"),
    ("outbox_message", "ix_outbox_message_to_address_trgm", "to_address"),
    ("outbox_message", "ix_outbox_message_subject_trgm", "subject"),
    ("audit_entry", "ix_audit_entry_user_email_trgm", "user_email"),
]


def _trigram_schema(connection) -> str | None:
    """The schema pg_trgm lives in, created here if it is not yet there; None if it cannot be."""
    schema = connection.scalar(sa.text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"))
    if schema is not None:
        return schema
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as error:
        log.warning("pg_trgm cannot be created here (%s); the searches will scan.", error.orig)
        return None
    return connection.scalar(sa.text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"))


CONSENT_STANDS = sa.text("consented_at IS NOT NULL AND withdrawn_at IS NULL")


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("pool_membership", schema=None) as batch_op:
        batch_op.create_index("ix_pool_membership_consented_current", ["consented_at", "id"], unique=False,
                              sqlite_where=CONSENT_STANDS, postgresql_where=CONSENT_STANDS)
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    schema = _trigram_schema(connection)
    if schema is None:
        return
    operators = f"{schema}.gin_trgm_ops"  # qualified: the schema need not be on the search path
    for table, name, column in TRIGRAM_INDEXES:
        op.create_index(name, table, [sa.text(f"{column} {operators}")], postgresql_using="gin")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for _table, name, _column in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("pool_membership", schema=None) as batch_op:
        batch_op.drop_index("ix_pool_membership_consented_current")
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
