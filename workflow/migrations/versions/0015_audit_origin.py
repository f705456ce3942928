"""audit_log.origin: where an administrative act was done from ("command line (user@host)"; null: the pages
and the API)

Revision ID: 0015
Revises: 0007
Create Date: 2026-12-05 04:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('origin')
