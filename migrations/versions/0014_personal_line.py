"""the personal line of a rejection e-mail, as an import brings it

Revision ID: 0014_personal_line
Revises: 0013_booking_modes
Create Date: 2026-12-04 18:30:00.000000

- ``candidate.personal_line``: the recruiter's personal line for the rejection e-mail when the applicant
  tracking system's export carries it (a column such as "Persoonlijke regel"); the rejection pages start
  from it, and the e-mail to everyone not invited yet sends it. Nullable: nothing to fill in for existing
  candidates.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_personal_line'
down_revision = '0013_booking_modes'
branch_labels = None
depends_on = None


def upgrade():
    # In place on SQLite too (ADD COLUMN): rebuilding the table would delete what refers to it.
    op.add_column('candidate', sa.Column('personal_line', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('candidate', recreate='never') as batch:  # in place, as above
        batch.drop_column('personal_line')
