"""Archive search, Arabic clitics: the index text now carries each Arabic word's stem after it (لإعادة is
found by إعادة), so every article's search documents are rebuilt from what is stored. The schema is unchanged:
PostgreSQL's generated tsvector and SQLite's FTS5 triggers follow the rewritten rows.

Revision ID: 0018_clitics
Revises: 0017_mail
Create Date: 2026-12-05 11:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0018_clitics'
down_revision = '0017_mail'
branch_labels = None
depends_on = None


def _reindex(stems: bool) -> None:
    from workflow.services.search import index_articles

    bind = op.get_bind()
    article_ids = bind.execute(sa.text('SELECT id FROM articles ORDER BY id')).scalars().all()
    index_articles(bind, article_ids, stems=stems)


def upgrade() -> None:
    _reindex(stems=True)


def downgrade() -> None:
    # Back to the index text 0017 wrote: folded words only (its searches would show the stems otherwise).
    _reindex(stems=False)
