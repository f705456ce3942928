"""Originals as reporters submit them, with every revision kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.text import word_count
from .base import Base, UTCDateTime, utcnow
from .users import User


class Article(Base):
    """An original report in its source language."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    section: Mapped[str] = mapped_column(String(80), index=True)
    current_revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    reporter: Mapped[User] = relationship(lazy="joined")
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", order_by="ArticleRevision.number", cascade="all, delete-orphan"
    )
    tag_rows: Mapped[list[ArticleTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ArticleTag.position"
    )
    adaptations: Mapped[list[Adaptation]] = relationship(  # noqa: F821
        back_populates="article", order_by="Adaptation.id"
    )

    @property
    def tags(self) -> list[str]:
        """Tags in the order the reporter gave them."""
        return [t.tag for t in self.tag_rows]

    def set_tags(self, tags: list[str]) -> None:
        """Replace the tags, keeping order."""
        self.tag_rows = [ArticleTag(tag=t, position=i) for i, t in enumerate(tags)]

    @property
    def latest(self) -> ArticleRevision:
        """The newest revision."""
        return self.revisions[-1]

    def revision(self, number: int) -> ArticleRevision | None:
        """The revision with that number, if any."""
        return next((r for r in self.revisions if r.number == number), None)


class ArticleRevision(Base):
    """One version of an original's title and body; never changed once written."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    #: The body's words (`word_count`), set with it: lists show a length without reading the text.
    words: Mapped[int] = mapped_column(default=0, server_default="0")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")
    author: Mapped[User] = relationship(lazy="joined")

    @validates("body")
    def _count_words(self, _key: str, body: str) -> str:
        self.words = word_count(body)
        return body


class ArticleTag(Base):
    """A tag on an original, shown on its adaptations' public pages."""

    __tablename__ = "article_tags"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)


class SubmissionKey(Base):
    """An `Idempotency-Key` (or a report form's one-time token) a person submitted an original with.

    The same key from the same person within a day gives back the same original instead of a second one.
    """

    __tablename__ = "submission_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    #: SHA-256 of what was sent: the same key with something else is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
