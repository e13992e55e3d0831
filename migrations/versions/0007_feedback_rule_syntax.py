"""feedback rules say how their pattern is read: words (lemmas) or a regular expression

The checker now reads words: a rule's pattern is a phrase whose words match every form ("passen" also
finds "paste"). Rules admins added before were regular expressions on the text. Those that are plain
phrases (only letters, digits, spaces, hyphens and apostrophes) read the same as word patterns and
become "words", so that they find the other forms too; every other one stays a "regex" and is matched
exactly as before.

Revision ID: 0005_checker
Revises: 0006_mail_ids
Create Date: 2026-12-03 13:05:00

"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0005_checker'
down_revision = '0006_mail_ids'
branch_labels = None
depends_on = None

_PLAIN = re.compile(r"[\w\s'-]+")


def upgrade():
    with op.batch_alter_table('feedback_rule') as batch:
        batch.add_column(sa.Column('syntax', sa.String(length=10), nullable=False, server_default='regex'))
        batch.create_check_constraint(op.f('ck_feedback_rule_syntax_known'), "syntax IN ('words', 'regex')")
    rule = sa.table('feedback_rule', sa.column('id', sa.Integer), sa.column('pattern', sa.String),
                    sa.column('syntax', sa.String))
    connection = op.get_bind()
    plain = [row.id for row in connection.execute(sa.select(rule.c.id, rule.c.pattern))
             if row.pattern and row.pattern.strip() and _PLAIN.fullmatch(row.pattern)]
    if plain:
        connection.execute(sa.update(rule).where(rule.c.id.in_(plain)).values(syntax='words'))
    with op.batch_alter_table('feedback_rule') as batch:
        batch.alter_column('syntax', server_default='words')


def downgrade():
    with op.batch_alter_table('feedback_rule') as batch:
        batch.drop_constraint(op.f('ck_feedback_rule_syntax_known'), type_='check')
        batch.drop_column('syntax')
