"""What helps adaptors and editors: translation memory, glossary, QA overrides and editing time."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.memory import segment_key
from .base import Base, UTCDateTime, utcnow
from .users import User


class UnitOrigin(StrEnum):
    """Where a memory unit came from."""

    PUBLISHED = "published"  #: aligned from a published adaptation of this newsroom
    IMPORTED = "imported"  #: read from a TMX file an editor imported


def _key_of(column: str):
    """A column default: the segment key (what matching compares) of the row's `column`."""
    return lambda context: segment_key(context.get_current_parameters()[column])


class TranslationUnit(Base):
    """One aligned source → target segment from a published adaptation or an imported TMX file (the memory)."""

    __tablename__ = "tm_units"
    __table_args__ = (
        UniqueConstraint("adaptation_id", "source_hash"),
        Index("ix_tm_units_pair_hash", "source_lang", "target_lang", "source_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    #: The source and target as matching compares them (`segment_key`): trigram indexes find fuzzy candidates.
    source_key: Mapped[str] = mapped_column(Text, default=_key_of("source"))
    target_key: Mapped[str] = mapped_column(Text, default=_key_of("target"))
    #: sha256 of the normalized source: exact matches are one index lookup.
    source_hash: Mapped[str] = mapped_column(String(64))
    #: How sure the alignment is (0–100): 100 when the adaptor kept the sentence's place and shape.
    alignment_score: Mapped[int] = mapped_column(default=100)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    adaptation_id: Mapped[int | None] = mapped_column(
        ForeignKey("adaptations.id", ondelete="SET NULL"), index=True
    )
    #: A `UnitOrigin` value.
    origin: Mapped[str] = mapped_column(
        String(16), default=UnitOrigin.PUBLISHED.value, server_default="published"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MemoryGeneration(Base):
    """How many times a language pair's memory changed: stored matches computed at an older generation are stale."""

    __tablename__ = "memory_generations"

    source_lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    target_lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)


class StoredMatches(Base):
    """The memory matches of one draft's segments, computed once at a generation of the pair's memory and read
    until the memory changes (a newer draft has its own row)."""

    __tablename__ = "draft_memory_matches"

    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True)
    #: The pair's `MemoryGeneration.generation` when they were computed.
    generation: Mapped[int]
    #: How many segments the draft had then (a draft being made gains them).
    segments: Mapped[int]
    #: Matches by segment index (as text): lists of `Match` fields.
    matches: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GlossaryTerm(Base):
    """An approved rendering of a name, place, title or house-style term for one language pair, with the other
    renderings the house style accepts and those it forbids."""

    __tablename__ = "glossary_terms"
    __table_args__ = (UniqueConstraint("source_lang", "target_lang", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(200))
    #: The source term normalized for matching (diacritics, letter variants, case): unique per pair.
    source_key: Mapped[str] = mapped_column(String(200))
    #: The preferred rendering.
    target: Mapped[str] = mapped_column(String(200))
    #: Other renderings the house style accepts (QA takes any of them), in the editor's order.
    alternatives: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    #: Renderings the house style avoids: QA flags each as an error wherever the adaptation uses it.
    forbidden: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="joined")
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id], lazy="joined")


class QaOverride(Base):
    """An editor's decision that one QA finding on an adaptation does not block it, and why."""

    __tablename__ = "qa_overrides"
    __table_args__ = (UniqueConstraint("adaptation_id", "check", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id", ondelete="CASCADE"), index=True)
    check: Mapped[str] = mapped_column(String(40))
    #: Which finding of the check (e.g. the missing number "3.5"); "" for a check with one finding.
    key: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    editor: Mapped[User] = relationship(lazy="joined")


class EditingTime(Base):
    """Seconds of active editing one person spent on an adaptation, as reported by one save."""

    __tablename__ = "editing_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seconds: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
