"""story_view_days, story_view_visitors and view_salts: story views counted without cookies

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-05 04:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('story_view_days',
    sa.Column('adaptation_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['adaptation_id'], ['adaptations.id'], name=op.f('fk_story_view_days_adaptation_id_adaptations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('adaptation_id', 'day', name=op.f('pk_story_view_days'))
    )
    with op.batch_alter_table('story_view_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_view_days_day'), ['day'], unique=False)
    op.create_table('story_view_visitors',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('visitor', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day', 'visitor', name=op.f('pk_story_view_visitors'))
    )
    op.create_table('view_salts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_view_salts'))
    )


def downgrade() -> None:
    op.drop_table('view_salts')
    op.drop_table('story_view_visitors')
    with op.batch_alter_table('story_view_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_view_days_day'))
    op.drop_table('story_view_days')
