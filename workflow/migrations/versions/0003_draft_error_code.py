"""drafts.error_code: why a draft failed, for code to act on

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 03:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error_code', sa.String(length=32), server_default='', nullable=False))
    # Drafts that failed before the column existed: their message says why.
    op.execute("UPDATE drafts SET error_code = CASE "
               "WHEN error LIKE 'No translation model for %' THEN 'missing_model' "
               "WHEN error LIKE 'Machine translation took longer than %' THEN 'timeout' "
               "ELSE 'translation_failed' END "
               "WHERE state = 'failed'")


def downgrade() -> None:
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('error_code')
