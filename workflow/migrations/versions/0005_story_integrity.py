"""story integrity: published versions, correction notes, submission keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('published_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adaptation_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source_revision', sa.Integer(), nullable=True),
    sa.Column('published_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('correction_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['adaptation_id'], ['adaptations.id'], name=op.f('fk_published_versions_adaptation_id_adaptations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_published_versions_approved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_versions')),
    sa.UniqueConstraint('adaptation_id', 'number', name=op.f('uq_published_versions_adaptation_id_number'))
    )
    with op.batch_alter_table('published_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_versions_adaptation_id'), ['adaptation_id'], unique=False)

    op.create_table('submission_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('created_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_submission_keys_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_submission_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_keys')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_submission_keys_user_id_key'))
    )
    with op.batch_alter_table('submission_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_keys_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correction_note', sa.Text(), server_default='', nullable=False))

    # Stories published before versions were kept: their current text is their first version.
    op.execute(
        "INSERT INTO published_versions (adaptation_id, number, title, body, source_revision, published_at, "
        "approved_by_id, correction_note) "
        "SELECT a.id, 1, a.title, a.body, a.based_on_revision, a.published_at, "
        "(SELECT c.user_id FROM credits c WHERE c.adaptation_id = a.id AND c.role = 'editor' "
        "ORDER BY c.id LIMIT 1), '' "
        "FROM adaptations a WHERE a.published_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.drop_column('correction_note')

    with op.batch_alter_table('submission_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_keys_created_at'))

    op.drop_table('submission_keys')
    with op.batch_alter_table('published_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_versions_adaptation_id'))

    op.drop_table('published_versions')
