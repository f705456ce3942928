"""credits (user_id, role) index: a person's stories on the public site are found through their credits without
reading every credit in the archive

Revision ID: 0016_lists
Revises: 0015
Create Date: 2026-12-05 07:45:00
"""

from alembic import op


revision = '0016_lists'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('credits', schema=None) as batch_op:
        batch_op.create_index('ix_credits_user_id_role', ['user_id', 'role'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('credits', schema=None) as batch_op:
        batch_op.drop_index('ix_credits_user_id_role')
