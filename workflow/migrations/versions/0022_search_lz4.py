"""The search index's texts compressed with lz4 (PostgreSQL 14 and later, when the server has it).

A hit's snippet is made from its text (ts_headline, from the part around the first match), and ranking reads the
matches' tsvectors: a long investigation's text is tens of kilobytes, which PostgreSQL's default compression
(pglz) unpacks at a few hundred megabytes a second, so a page of twenty such hits spent about 5 ms unpacking
them. lz4 unpacks several times faster for about a quarter more space. Existing documents are rewritten here
(their generated tsvector is computed again from the same text); a server without lz4 keeps pglz.

Revision ID: 0022_search_lz4
Revises: 0021_word_counts
Create Date: 2026-12-06 03:50:00
"""

from alembic import op
from sqlalchemy.exc import DBAPIError


revision = '0022_search_lz4'
down_revision = '0021_word_counts'
branch_labels = None
depends_on = None


def _lz4_available(connection) -> bool:
    """Whether the server can compress with lz4 (version 14 or later, built with it)."""
    if connection.dialect.server_version_info < (14,):
        return False
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("SET LOCAL default_toast_compression = 'lz4'")
    except DBAPIError:
        return False
    return True


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != 'postgresql' or not _lz4_available(connection):
        return
    op.execute(
        'ALTER TABLE search_documents ALTER COLUMN body_key SET COMPRESSION lz4, '
        'ALTER COLUMN document SET COMPRESSION lz4'
    )
    # substr() makes a new value, stored with the column's method (the same value would keep its old one).
    op.execute("UPDATE search_documents SET body_key = substr(body_key, 1) WHERE pg_column_compression(body_key) = 'pglz'")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != 'postgresql' or connection.dialect.server_version_info < (14,):
        return
    op.execute(
        'ALTER TABLE search_documents ALTER COLUMN body_key SET COMPRESSION pglz, '
        'ALTER COLUMN document SET COMPRESSION pglz'
    )
