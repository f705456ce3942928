"""Adaptations of an original into one target language, their machine drafts and review rounds."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.priority import DEFAULT_PRIORITY, DeadlineMark, Priority, deadline_mark
from ..domain.rules import Subject
from ..domain.states import OFF_SITE_STATES, State
from ..domain.text import word_count
from .articles import Article
from .base import Base, UTCDateTime, utcnow
from .users import User


class DraftState(StrEnum):
    """Where a machine-translation job stands."""

    QUEUED = "queued"  #: written with the submission; waiting to be handed to a worker
    TRANSLATING = "translating"  #: a worker is translating it
    READY = "ready"  #: every segment translated
    FAILED = "failed"  #: could not be made (see `error`)
    SUPERSEDED = "superseded"  #: a newer revision of the original replaced it before it finished


class DraftError(StrEnum):
    """Why a draft failed, for code to act on (`Draft.error` says it for people)."""

    MISSING_MODEL = "missing_model"  #: no installed model translates the pair: install one, then retry
    TIMEOUT = "timeout"  #: the job ran past ADAPTDESK_DRAFT_TIMEOUT
    TRANSLATION = "translation_failed"  #: the model failed on this text (a broken model, unexpected input)


class Adaptation(Base):
    """The adaptation of one original into one target language."""

    __tablename__ = "adaptations"
    __table_args__ = (UniqueConstraint("article_id", "language"), Index("ix_adaptations_state", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(24), default=State.QUEUED.value)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    #: The body's words (`word_count`), set with it: lists show a length without reading the text.
    words: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Revision of the original the adaptation text was written against.
    based_on_revision: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    slug: Mapped[str] = mapped_column(String(100), default="")
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A `Priority` value: how urgent it is (work lists sort by it, then by deadline, then by age).
    priority: Mapped[str] = mapped_column(
        String(8), default=DEFAULT_PRIORITY.value, server_default=DEFAULT_PRIORITY.value
    )
    #: When the adaptation is due (approved or out); None when nobody set one.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: When the people working on it were told the deadline is within the hour (None: not yet, for this one).
    deadline_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it as a plain dict

    article: Mapped[Article] = relationship(back_populates="adaptations", lazy="joined")
    holder: Mapped[User | None] = relationship(lazy="joined")
    drafts: Mapped[list[Draft]] = relationship(
        back_populates="adaptation", order_by="Draft.revision_number", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[ReviewRound]] = relationship(
        back_populates="adaptation", order_by="ReviewRound.number", cascade="all, delete-orphan"
    )
    #: Every version that went out, oldest first; the public site shows the newest.
    versions: Mapped[list[PublishedVersion]] = relationship(
        back_populates="adaptation", order_by="PublishedVersion.number", lazy="selectin", passive_deletes=True
    )
    credits: Mapped[list[Credit]] = relationship(  # noqa: F821 - models/history.py
        order_by="Credit.id", lazy="selectin", passive_deletes=True
    )

    @validates("body")
    def _count_words(self, _key: str, body: str) -> str:
        self.words = word_count(body)
        return body

    @property
    def status(self) -> State:
        """The state as an enum member."""
        return State(self.state)

    @property
    def subject(self) -> Subject:
        """What the permission rules need to know about this adaptation."""
        return Subject(
            state=self.status,
            reporter_id=self.article.reporter_id,
            holder_id=self.holder_id,
            holder_name=self.holder.display_name if self.holder else None,
            published=self.published_at is not None,
            source_changed=self.source_changed,
            adaptor_ids=frozenset(c.user_id for c in self.credits if c.role == "adaptor"),
            credited_ids=frozenset(c.user_id for c in self.credits),
        )

    @property
    def urgency(self) -> Priority:
        """The priority as an enum member."""
        return Priority(self.priority)

    def deadline_mark(self, now: datetime | None = None) -> DeadlineMark | None:
        """Overdue or due within the hour (None otherwise, or once the work is done)."""
        return deadline_mark(self.deadline, self.status, now or utcnow())

    @property
    def on_site(self) -> bool:
        """Whether its newest published version is on the public site now."""
        return self.published_at is not None and self.status not in OFF_SITE_STATES and bool(self.versions)

    @property
    def live(self) -> PublishedVersion | None:
        """The version the public site shows, if it shows one."""
        return self.versions[-1] if self.on_site else None

    @property
    def draft(self) -> Draft | None:
        """The newest machine-translation draft (of the newest revision it was asked for)."""
        return self.drafts[-1] if self.drafts else None

    @property
    def source_changed(self) -> bool:
        """Whether the original has a newer revision than the one this adaptation was written against."""
        return self.based_on_revision is not None and self.based_on_revision < self.article.current_revision


class Draft(Base):
    """A machine-translation job for one revision of the original, and its result."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("adaptation_id", "revision_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id", ondelete="CASCADE"), index=True)
    revision_number: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default=DraftState.QUEUED.value, index=True)
    title: Mapped[str] = mapped_column(String(1000), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    #: A `DraftError` value once failed, "" otherwise.
    error_code: Mapped[str] = mapped_column(String(32), default="", server_default="")
    segments_done: Mapped[int] = mapped_column(default=0)
    segments_total: Mapped[int] = mapped_column(default=0)
    model: Mapped[str] = mapped_column(String(120), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Renewed by the worker while it translates; a lapsed heartbeat lets another worker take the job over.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    adaptation: Mapped[Adaptation] = relationship(back_populates="drafts")
    segments: Mapped[list[DraftSegment]] = relationship(
        back_populates="draft", order_by="DraftSegment.index", cascade="all, delete-orphan"
    )


class DraftSegment(Base):
    """One sentence of the original and its machine translation."""

    __tablename__ = "draft_segments"
    __table_args__ = (UniqueConstraint("draft_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    index: Mapped[int]
    paragraph: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    mt: Mapped[str | None] = mapped_column(Text)
    #: Where `mt` came from: "mt" (the model) or "tm" (an exact translation-memory match).
    origin: Mapped[str] = mapped_column(String(8), default="mt", server_default="mt")

    draft: Mapped[Draft] = relationship(back_populates="segments")


class ReviewRound(Base):
    """One submission for review: the text as submitted and the editor's decision on it."""

    __tablename__ = "review_rounds"
    __table_args__ = (UniqueConstraint("adaptation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    adaptor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    source_revision: Mapped[int | None]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(24))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str] = mapped_column(Text, default="")
    #: An approved correction's public note (what was corrected), printed at the foot of the story.
    correction_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The machine draft the submitted text is measured against, and the post-editing effort (0–100).
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="SET NULL"))
    effort_score: Mapped[float | None]

    adaptation: Mapped[Adaptation] = relationship(back_populates="rounds")
    draft: Mapped[Draft | None] = relationship(lazy="joined")
    adaptor: Mapped[User] = relationship(foreign_keys=[adaptor_id], lazy="joined")
    editor: Mapped[User | None] = relationship(foreign_keys=[editor_id], lazy="joined")


class PublishedVersion(Base):
    """One version of an adaptation as it went out: the first publication, then each approved correction."""

    __tablename__ = "published_versions"
    __table_args__ = (UniqueConstraint("adaptation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    #: Revision of the original the published text follows.
    source_revision: Mapped[int | None]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: What was corrected, for readers ("" for the first version).
    correction_note: Mapped[str] = mapped_column(Text, default="")

    adaptation: Mapped[Adaptation] = relationship(back_populates="versions")
    approved_by: Mapped[User | None] = relationship(lazy="joined")
