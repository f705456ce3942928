"""Memory complete at scale and archive search: tm_units source/target keys with trigram indexes (pg_trgm GIN
on PostgreSQL, an FTS5 trigram table on SQLite) and search_documents with full text (a generated, weighted
tsvector with a GIN index on PostgreSQL, an FTS5 table on SQLite), filled from what is already stored.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-05 04:30:00
"""

from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0011'
down_revision = '0012'
branch_labels = None
depends_on = None

#: SQLite: FTS5 tables kept in step with their content tables by triggers.
FTS_TABLES = {
    'tm_units_fts': ('tm_units', ('source_key', 'target_key'), "trigram"),
    'search_fts': ('search_documents', ('title_key', 'body_key', 'tags', 'people'), "porter unicode61 remove_diacritics 2"),
}

#: PostgreSQL: English documents stem with 'english'; Arabic (already folded) and others use 'simple'.
TSVECTOR = """
    setweight(to_tsvector(CASE WHEN language = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END,
                          title_key), 'A')
    || setweight(to_tsvector('simple'::regconfig, tags || ' ' || people), 'B')
    || setweight(to_tsvector(CASE WHEN language = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END,
                             body_key), 'C')
"""


def _create_fts(name: str) -> None:
    table, columns, tokenizer = FTS_TABLES[name]
    cols = ', '.join(columns)
    new = ', '.join(f'new.{c}' for c in columns)
    old = ', '.join(f'old.{c}' for c in columns)
    op.execute(f"CREATE VIRTUAL TABLE {name} USING fts5({cols}, content='{table}', content_rowid='id', "
               f"tokenize='{tokenizer}')")
    op.execute(f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {name}(rowid, {cols}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {name}({name}, rowid, {cols}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER {name}_au AFTER UPDATE ON {table} BEGIN "
               f"INSERT INTO {name}({name}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO {name}(rowid, {cols}) VALUES (new.id, {new}); END")
    op.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def _drop_fts(name: str) -> None:
    for suffix in ('ai', 'ad', 'au'):
        op.execute(f'DROP TRIGGER IF EXISTS {name}_{suffix}')
    op.execute(f'DROP TABLE IF EXISTS {name}')


def upgrade() -> None:
    from workflow.domain.memory import segment_key
    from workflow.services.search import index_articles

    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    with op.batch_alter_table('tm_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_key', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('target_key', sa.Text(), nullable=True))
    units = bind.execute(sa.text('SELECT id, source, target FROM tm_units')).all()
    if units:
        bind.execute(
            sa.text('UPDATE tm_units SET source_key = :s, target_key = :t WHERE id = :id'),
            [{'id': u.id, 's': segment_key(u.source), 't': segment_key(u.target)} for u in units],
        )
    with op.batch_alter_table('tm_units', schema=None) as batch_op:
        batch_op.alter_column('source_key', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('target_key', existing_type=sa.Text(), nullable=False)

    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('adaptation_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('restricted', sa.Boolean(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('title_key', sa.Text(), nullable=False),
    sa.Column('body_key', sa.Text(), nullable=False),
    sa.Column('tags', sa.Text(), nullable=False),
    sa.Column('people', sa.Text(), nullable=False),
    sa.Column('dated_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adaptation_id'], ['adaptations.id'], name=op.f('fk_search_documents_adaptation_id_adaptations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_search_documents_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('kind', 'ref_id', name=op.f('uq_search_documents_kind_ref_id'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_search_documents_kind_dated_at', ['kind', 'dated_at'], unique=False)

    if postgres:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute('CREATE INDEX ix_tm_units_source_key_trgm ON tm_units USING gin (source_key gin_trgm_ops)')
        op.execute('CREATE INDEX ix_tm_units_target_key_trgm ON tm_units USING gin (target_key gin_trgm_ops)')
        op.execute(f'ALTER TABLE search_documents ADD COLUMN document tsvector GENERATED ALWAYS AS ({TSVECTOR}) STORED')
        op.execute('CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)')
    else:
        _create_fts('tm_units_fts')
        _create_fts('search_fts')

    article_ids = bind.execute(sa.text('SELECT id FROM articles ORDER BY id')).scalars().all()
    index_articles(bind, article_ids)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_tm_units_source_key_trgm')
        op.execute('DROP INDEX IF EXISTS ix_tm_units_target_key_trgm')
    else:
        _drop_fts('search_fts')
        _drop_fts('tm_units_fts')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_kind_dated_at')
        batch_op.drop_index(batch_op.f('ix_search_documents_article_id'))
    op.drop_table('search_documents')
    with op.batch_alter_table('tm_units', schema=None) as batch_op:
        batch_op.drop_column('target_key')
        batch_op.drop_column('source_key')
