"""Word counts stored with the texts that lists show them for: article_revisions.words and adaptations.words.

The adaptor and review queues showed each row's length by counting the words of the original's newest revision
(or of the adaptation) as the page was written, so a list page read every row's whole text: a queue of long
investigations read megabytes to print fifty numbers. The count is now kept beside the text (the models set it
whenever the text is set) and the lists leave the texts out. Existing rows are counted here, as
`workflow.domain.text.word_count` counts (whitespace-separated words).

Revision ID: 0021_word_counts
Revises: 0020_search_by_kind
Create Date: 2026-12-06 03:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0021_word_counts'
down_revision = '0020_search_by_kind'
branch_labels = None
depends_on = None

#: Rows counted per round trip while existing texts are counted.
BATCH = 2000


def _count_existing(table: str) -> None:
    """Set `words` of every row of `table` from its body, a batch of ids at a time (in id order)."""
    connection = op.get_bind()
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column('body', sa.Text), sa.column('words', sa.Integer))
    after = 0
    while True:
        batch = connection.execute(
            sa.select(rows.c.id, rows.c.body).where(rows.c.id > after).order_by(rows.c.id).limit(BATCH)
        ).all()
        if not batch:
            return
        connection.execute(
            sa.update(rows).where(rows.c.id == sa.bindparam('row_id')).values(words=sa.bindparam('count')),
            [{'row_id': row_id, 'count': len((body or '').split())} for row_id, body in batch],
        )
        after = batch[-1][0]


def upgrade() -> None:
    for table in ('article_revisions', 'adaptations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('words', sa.Integer(), server_default='0', nullable=False))
        _count_existing(table)


def downgrade() -> None:
    for table in ('adaptations', 'article_revisions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('words')
