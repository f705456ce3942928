"""The desk runs on time: adaptations' priority and deadline, people's e-mail and language pairs, notifications

Revision ID: 0016_desk
Revises: 0016_lists
Create Date: 2026-12-05 07:30:00
"""

from alembic import op
import sqlalchemy as sa

import workflow.models.base


revision = '0016_desk'
down_revision = '0016_lists'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('adaptations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.String(length=8), nullable=False, server_default='normal'))
        batch_op.add_column(sa.Column('deadline', workflow.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deadline_warned_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_adaptations_deadline', ['deadline'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('language_pairs', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('mail_muted', sa.String(length=400), nullable=False, server_default=''))
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=32), nullable=False),
        sa.Column('adaptation_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('read_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('mail_state', sa.String(length=12), nullable=False, server_default=''),
        sa.Column('mail_attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('mailed_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['adaptation_id'], ['adaptations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_adaptation_id'), ['adaptation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_adaptation_id'))
        batch_op.drop_index('ix_notifications_user_read')
    op.drop_table('notifications')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('mail_muted')
        batch_op.drop_column('language_pairs')
        batch_op.drop_column('email')
    with op.batch_alter_table('adaptations', schema=None) as batch_op:
        batch_op.drop_column('deadline_warned_at')
        batch_op.drop_index('ix_adaptations_deadline')
        batch_op.drop_column('deadline')
        batch_op.drop_column('priority')
