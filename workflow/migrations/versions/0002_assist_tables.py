"""assist: translation memory, glossary, qa overrides, editing effort

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 01:57:02.197197
"""

from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('glossary_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_lang', sa.String(length=8), nullable=False),
    sa.Column('target_lang', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_glossary_terms_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_glossary_terms_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms')),
    sa.UniqueConstraint('source_lang', 'target_lang', 'source_key', name=op.f('uq_glossary_terms_source_lang_target_lang_source_key'))
    )
    op.create_table('editing_time',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adaptation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('recorded_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adaptation_id'], ['adaptations.id'], name=op.f('fk_editing_time_adaptation_id_adaptations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_editing_time_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_editing_time'))
    )
    with op.batch_alter_table('editing_time', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_editing_time_adaptation_id'), ['adaptation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_editing_time_user_id'), ['user_id'], unique=False)

    op.create_table('qa_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adaptation_id', sa.Integer(), nullable=False),
    sa.Column('check', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=False),
    sa.Column('at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adaptation_id'], ['adaptations.id'], name=op.f('fk_qa_overrides_adaptation_id_adaptations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_qa_overrides_editor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_overrides')),
    sa.UniqueConstraint('adaptation_id', 'check', 'key', name=op.f('uq_qa_overrides_adaptation_id_check_key'))
    )
    with op.batch_alter_table('qa_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_overrides_adaptation_id'), ['adaptation_id'], unique=False)

    op.create_table('tm_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_lang', sa.String(length=8), nullable=False),
    sa.Column('target_lang', sa.String(length=8), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('alignment_score', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('adaptation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adaptation_id'], ['adaptations.id'], name=op.f('fk_tm_units_adaptation_id_adaptations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_tm_units_article_id_articles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tm_units')),
    sa.UniqueConstraint('adaptation_id', 'source_hash', name=op.f('uq_tm_units_adaptation_id_source_hash'))
    )
    with op.batch_alter_table('tm_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tm_units_adaptation_id'), ['adaptation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tm_units_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_tm_units_pair_hash', ['source_lang', 'target_lang', 'source_hash'], unique=False)

    with op.batch_alter_table('draft_segments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=8), server_default='mt', nullable=False))

    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('effort_score', sa.Double(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_review_rounds_draft_id_drafts'), 'drafts', ['draft_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_rounds_draft_id_drafts'), type_='foreignkey')
        batch_op.drop_column('effort_score')
        batch_op.drop_column('draft_id')

    with op.batch_alter_table('draft_segments', schema=None) as batch_op:
        batch_op.drop_column('origin')

    with op.batch_alter_table('tm_units', schema=None) as batch_op:
        batch_op.drop_index('ix_tm_units_pair_hash')
        batch_op.drop_index(batch_op.f('ix_tm_units_article_id'))
        batch_op.drop_index(batch_op.f('ix_tm_units_adaptation_id'))

    op.drop_table('tm_units')
    with op.batch_alter_table('qa_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_overrides_adaptation_id'))

    op.drop_table('qa_overrides')
    with op.batch_alter_table('editing_time', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_editing_time_user_id'))
        batch_op.drop_index(batch_op.f('ix_editing_time_adaptation_id'))

    op.drop_table('editing_time')
    op.drop_table('glossary_terms')
