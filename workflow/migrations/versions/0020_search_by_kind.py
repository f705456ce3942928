"""Archive search that does not grow with the archive: a full-text index per kind of search.

PostgreSQL: the GIN index on search_documents.document covered every kind of document, so a desk search (originals
and adaptations) or a public one (published stories) also read, beside the matches, the kind index's entries for
every document of its kinds (a BitmapAnd), which grow with the archive. Two partial GIN indexes replace it, one
for the desk's kinds and one for the site's, each holding only the documents its search may return. SQLite's FTS5
table is unchanged.

Revision ID: 0020_search_by_kind
Revises: 0019_postings
Create Date: 2026-12-05 18:30:00
"""

from alembic import op


revision = '0020_search_by_kind'
down_revision = '0019_postings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE INDEX ix_search_documents_desk ON search_documents USING gin (document) "
            "WHERE kind IN ('original', 'adaptation')"
        )
        op.execute(
            "CREATE INDEX ix_search_documents_site ON search_documents USING gin (document) "
            "WHERE kind = 'published'"
        )
        op.execute('DROP INDEX IF EXISTS ix_search_documents_document')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)')
        op.execute('DROP INDEX IF EXISTS ix_search_documents_site')
        op.execute('DROP INDEX IF EXISTS ix_search_documents_desk')
