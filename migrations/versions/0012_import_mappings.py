"""the CSV import remembers which column holds what, per header line

Revision ID: 0012_import_mappings
Revises: 0011_list_indexes
Create Date: 2026-12-03 17:10:00

"""
import sqlalchemy as sa
from alembic import op

import app.database

revision = '0012_import_mappings'
down_revision = '0011_list_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_mapping',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('header_key', sa.String(length=64), nullable=False),
        sa.Column('headers', sa.JSON(), nullable=False),
        sa.Column('targets', sa.JSON(), nullable=False),
        sa.Column('updated_at', app.database.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mapping')),
        sa.UniqueConstraint('header_key', name=op.f('uq_import_mapping_header_key')),
    )


def downgrade():
    op.drop_table('import_mapping')
