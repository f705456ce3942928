"""Memory at a million units and reads that don't recompute: a word index over tm_units' source keys (a GIN
index on the key's words on PostgreSQL, whose statistics tell lookups which words are common; an FTS5 word table with its vocabulary on SQLite), the memory's generation per language pair and
each draft's stored memory matches.

Revision ID: 0016_memcache
Revises: 0016_i18n
Create Date: 2026-12-05 07:40:00
"""

from alembic import op
import sqlalchemy as sa
import workflow.models.base


revision = '0016_memcache'
down_revision = '0016_i18n'
branch_labels = None
depends_on = None

#: workflow.domain.memory.WORD_SEPARATORS when this migration was written (the index expression must not move).
WORD_SEPARATORS = "[ !-/:-@[-`{-~،؛؟«»“”‘’…–—]+"


def upgrade() -> None:
    op.create_table('memory_generations',
    sa.Column('source_lang', sa.String(length=8), nullable=False),
    sa.Column('target_lang', sa.String(length=8), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('source_lang', 'target_lang', name=op.f('pk_memory_generations'))
    )
    op.create_table('draft_memory_matches',
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('matches', sa.JSON(), nullable=False),
    sa.Column('computed_at', workflow.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['drafts.id'], name=op.f('fk_draft_memory_matches_draft_id_drafts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('draft_id', name=op.f('pk_draft_memory_matches'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        # The key's words, kept by PostgreSQL itself (so bulk COPYs fill them too), with a GIN index.
        op.execute(
            "ALTER TABLE tm_units ADD COLUMN source_words text[] "
            f"GENERATED ALWAYS AS (regexp_split_to_array(source_key, '{WORD_SEPARATORS}')) STORED"
        )
        op.execute('CREATE INDEX ix_tm_units_source_words ON tm_units USING gin (source_words)')
        # ANALYZE's most-common-element statistics of the column (its 1,000 commonest words, at the default
        # target: a finer one makes planning the pair conditions slower than running them) tell lookups which
        # words are common.
        op.execute('ANALYZE tm_units')
    else:
        op.execute("CREATE VIRTUAL TABLE tm_words_fts USING fts5(source_key, content='tm_units', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 0')")
        op.execute("CREATE TRIGGER tm_words_fts_ai AFTER INSERT ON tm_units BEGIN "
                   "INSERT INTO tm_words_fts(rowid, source_key) VALUES (new.id, new.source_key); END")
        op.execute("CREATE TRIGGER tm_words_fts_ad AFTER DELETE ON tm_units BEGIN "
                   "INSERT INTO tm_words_fts(tm_words_fts, rowid, source_key) "
                   "VALUES ('delete', old.id, old.source_key); END")
        op.execute("CREATE TRIGGER tm_words_fts_au AFTER UPDATE ON tm_units BEGIN "
                   "INSERT INTO tm_words_fts(tm_words_fts, rowid, source_key) "
                   "VALUES ('delete', old.id, old.source_key); "
                   "INSERT INTO tm_words_fts(rowid, source_key) VALUES (new.id, new.source_key); END")
        op.execute("INSERT INTO tm_words_fts(tm_words_fts) VALUES ('rebuild')")
        op.execute("CREATE VIRTUAL TABLE tm_words_vocab USING fts5vocab(tm_words_fts, 'row')")


def downgrade() -> None:
    op.drop_table('draft_memory_matches')
    op.drop_table('memory_generations')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_tm_units_source_words')
        op.execute('ALTER TABLE tm_units DROP COLUMN IF EXISTS source_words')
    else:
        op.execute('DROP TABLE IF EXISTS tm_words_vocab')
        for suffix in ('ai', 'ad', 'au'):
            op.execute(f'DROP TRIGGER IF EXISTS tm_words_fts_{suffix}')
        op.execute('DROP TABLE IF EXISTS tm_words_fts')
