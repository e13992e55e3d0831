"""monthly roll-up of the event log for the HR figures

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 02:51:06.095667

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # An existing event log is rolled up by `flask --app wsgi stats rebuild` (see the README's upgrade notes).
    op.create_table('stat_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('dim_value', sa.String(length=200), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('value_sum', sa.BigInteger(), nullable=False),
    sa.Column('value_n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_month')),
    sa.UniqueConstraint('month', 'kind', 'dimension', 'dim_value', name='uq_stat_month_key')
    )
    with op.batch_alter_table('stat_month', schema=None) as batch_op:
        batch_op.create_index('ix_stat_month_dimension_kind_month', ['dimension', 'kind', 'month'], unique=False)


def downgrade():
    with op.batch_alter_table('stat_month', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_month_dimension_kind_month')

    op.drop_table('stat_month')
