"""story_view_days, story_view_visitors and view_salts (story views counted without cookies); lead_images

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-05 04:40:00
"""

from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0012'
down_revision = '0014'
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


    op.create_table('lead_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('adaptation_id', sa.Integer(), nullable=True),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('widths', sa.String(length=100), nullable=False),
    sa.Column('alt', sa.String(length=300), nullable=False),
    sa.Column('caption', sa.String(length=500), nullable=False),
    sa.Column('credit', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adaptation_id'], ['adaptations.id'], name=op.f('fk_lead_images_adaptation_id_adaptations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_lead_images_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_lead_images_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_images')),
    sa.UniqueConstraint('token', name=op.f('uq_lead_images_token'))
    )
    with op.batch_alter_table('lead_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_images_adaptation_id'), ['adaptation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_images_article_id'), ['article_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lead_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_images_article_id'))
        batch_op.drop_index(batch_op.f('ix_lead_images_adaptation_id'))
    op.drop_table('lead_images')
    op.drop_table('view_salts')
    op.drop_table('story_view_visitors')
    with op.batch_alter_table('story_view_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_view_days_day'))
    op.drop_table('story_view_days')
