"""drafts.heartbeat_at (a lease the worker renews) and duty_locks (one worker runs each periodic duty)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 01:30:00
"""

from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True))
    op.create_table('duty_locks',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('expires_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_duty_locks'))
    )


def downgrade() -> None:
    op.drop_table('duty_locks')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
