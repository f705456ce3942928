"""The desk runs on time: adaptations' priority and deadline

Revision ID: 0016_desk
Revises: 0015
Create Date: 2026-12-05 07:30:00
"""

from alembic import op
import sqlalchemy as sa

import workflow.models.base


revision = '0016_desk'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('adaptations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.String(length=8), nullable=False, server_default='normal'))
        batch_op.add_column(sa.Column('deadline', workflow.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_adaptations_deadline', ['deadline'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('adaptations', schema=None) as batch_op:
        batch_op.drop_index('ix_adaptations_deadline')
        batch_op.drop_column('deadline')
        batch_op.drop_column('priority')
