"""The archive search index: one row per original, adaptation and published story, kept in step on every flush.

The index tables and columns that only one database has (PostgreSQL's tsvector column and trigram indexes,
SQLite's FTS5 tables) are made by migration 0011 and are not models; `is_model_object` tells Alembic's
comparison to leave them alone.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class SearchKind(StrEnum):
    """What a search document stands for."""

    ORIGINAL = "original"  #: an original's current revision (desk search)
    ADAPTATION = "adaptation"  #: an adaptation's working text (desk search)
    PUBLISHED = "published"  #: the version of an adaptation the public site shows (public search)


class SearchDocument(Base):
    """The searchable text of one original, adaptation or published story, folded for matching."""

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        Index("ix_search_documents_kind_dated_at", "kind", "dated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    #: The article's id for an original, the adaptation's for the other kinds.
    ref_id: Mapped[int]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    adaptation_id: Mapped[int | None] = mapped_column(ForeignKey("adaptations.id", ondelete="CASCADE"))
    reporter_id: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    #: The adaptation's state ("" for an original).
    state: Mapped[str] = mapped_column(String(24), default="")
    #: Published once, then taken off the site: only editors find it (as only they may see its workings).
    restricted: Mapped[bool] = mapped_column(default=False)
    #: The title as written (shown in results).
    title: Mapped[str] = mapped_column(Text, default="")
    #: Title, body, tags and people with Arabic variants and marks folded: what the full-text index reads.
    title_key: Mapped[str] = mapped_column(Text, default="")
    body_key: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(Text, default="")
    people: Mapped[str] = mapped_column(Text, default="")
    #: When it last changed (published stories: when their version went out): the `from`/`to` filters.
    dated_at: Mapped[datetime] = mapped_column(UTCDateTime())


#: Tables, columns and indexes made by migrations 0011, 0016, 0019 and 0020 for one database only (not models).
DATABASE_SPECIFIC = frozenset(
    {
        "search_fts",
        "tm_units_fts",
        "document",
        "ix_search_documents_document",
        "ix_search_documents_desk",
        "ix_search_documents_site",
        "ix_tm_units_source_key_trgm",
        "ix_tm_units_target_key_trgm",
        "ix_tm_units_source_words",
        "source_words",
        "tm_words_fts",
        "tm_words_vocab",
        "tm_word_postings",
    }
)


def is_model_object(name: str | None, type_: str, _parents: dict) -> bool:
    """Alembic `include_name`: False for the database-specific search objects (and FTS5's shadow tables)."""
    if name is None:
        return True
    if type_ == "table" and any(
        name.startswith(f"{fts}_") for fts in ("search_fts", "tm_units_fts", "tm_words_fts")
    ):
        return False
    return name not in DATABASE_SPECIFIC
