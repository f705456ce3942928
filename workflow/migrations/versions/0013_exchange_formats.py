"""tm_units.origin (published or imported from TMX), glossary_terms.alternatives and .forbidden renderings

Revision ID: 0013
Revises: 0007
Create Date: 2026-12-05 04:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tm_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='published', nullable=False))
    with op.batch_alter_table('glossary_terms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alternatives', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('forbidden', sa.JSON(), server_default='[]', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('glossary_terms', schema=None) as batch_op:
        batch_op.drop_column('forbidden')
        batch_op.drop_column('alternatives')
    with op.batch_alter_table('tm_units', schema=None) as batch_op:
        batch_op.drop_column('origin')
