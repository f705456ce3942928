"""Notification mail: users.mail_digest (one mail a day instead of one per event), the daily digests
(mail_digests, one per person and newsroom day), and notifications.mail_dispatched_at (the relay sends a mail
job the broker lost again)

Revision ID: 0017_mail
Revises: 0016_memcache
Create Date: 2026-12-05 10:50:00
"""

from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0017_mail'
down_revision = '0016_memcache'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_digest', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('mail_dispatched_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table('mail_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('cutoff', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', workflow.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_digests')),
    sa.UniqueConstraint('user_id', 'day', name='uq_mail_digests_user_day')
    )
    # The relay looks for mail still pending: few rows among many.
    op.create_index('ix_notifications_mail_state', 'notifications', ['mail_state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notifications_mail_state', table_name='notifications')
    op.drop_table('mail_digests')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('mail_dispatched_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('mail_digest')
