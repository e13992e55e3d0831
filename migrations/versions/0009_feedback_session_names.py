"""feedback session names: the hour's foreign keys and host table say ``feedback_session``

Revision ID: 0009_feedback_session_names
Revises: 0007_integrations
Create Date: 2026-12-03 16:30:00.000000

"Session" meant three things in the code (the cookie session, the SQLAlchemy session, the feedback hour).
The hour's columns and tables now read as the model does:

- ``slot.session_id`` -> ``slot.feedback_session_id`` (with its index and foreign key),
- ``session_host`` -> ``feedback_session_host`` and its ``session_id`` -> ``feedback_session_id``,
- ``event.session_id`` -> ``event.feedback_session_id``,
- the rolled-up figures per hour: ``stat_month.dimension`` ``session`` -> ``feedback_session``.

Plain renames: no row is copied, and both databases keep their data and constraints.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_feedback_session_names'
down_revision = '0007_integrations'
branch_labels = None
depends_on = None

# (table, old constraint name, new constraint name): PostgreSQL keeps names; SQLite rebuilds nothing here.
_POSTGRES_CONSTRAINTS = [
    ('slot', 'fk_slot_session_id_feedback_session', 'fk_slot_feedback_session_id_feedback_session'),
    ('feedback_session_host', 'pk_session_host', 'pk_feedback_session_host'),
    ('feedback_session_host', 'fk_session_host_session_id_feedback_session',
     'fk_feedback_session_host_feedback_session_id_feedback_session'),
    ('feedback_session_host', 'fk_session_host_user_id_user_account',
     'fk_feedback_session_host_user_id_user_account'),
]


def _rename(old: str, new: str) -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.drop_index(f'ix_slot_{old}', table_name='slot')
    op.alter_column('slot', old, new_column_name=new)
    op.create_index(f'ix_slot_{new}', 'slot', [new], unique=False)
    op.alter_column('event', old, new_column_name=new)
    old_host, new_host = ('session_host', 'feedback_session_host') if new.startswith('feedback') else \
        ('feedback_session_host', 'session_host')
    op.rename_table(old_host, new_host)
    op.alter_column(new_host, old, new_column_name=new)
    if postgres:
        pairs = _POSTGRES_CONSTRAINTS if new.startswith('feedback') else \
            [(t.replace('feedback_session_host', 'session_host'), b, a) for t, a, b in _POSTGRES_CONSTRAINTS]
        for table, before, after in pairs:
            op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT {before} TO {after}')


def upgrade():
    _rename('session_id', 'feedback_session_id')
    stat_month = sa.table('stat_month', sa.column('dimension', sa.String))
    op.execute(stat_month.update().where(stat_month.c.dimension == 'session').values(dimension='feedback_session'))


def downgrade():
    stat_month = sa.table('stat_month', sa.column('dimension', sa.String))
    op.execute(stat_month.update().where(stat_month.c.dimension == 'feedback_session').values(dimension='session'))
    _rename('feedback_session_id', 'session_id')
