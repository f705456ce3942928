"""Story views counted without cookies: daily counts, today's visitor hashes and the day's salt."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class StoryViewDay(Base):
    """How many visitors read a story on one day (UTC)."""

    __tablename__ = "story_view_days"

    adaptation_id: Mapped[int] = mapped_column(
        ForeignKey("adaptations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date(), primary_key=True, index=True)
    views: Mapped[int] = mapped_column(default=0)


class StoryViewVisitor(Base):
    """One visitor's view of one story on one day: a salted hash, kept only until the day is over."""

    __tablename__ = "story_view_visitors"

    day: Mapped[date] = mapped_column(Date(), primary_key=True)
    visitor: Mapped[str] = mapped_column(String(64), primary_key=True)  #: hash of salt, address, agent, story


class ViewSalt(Base):
    """The random salt of one day's visitor hashes; deleted with them, so old hashes cannot be recomputed."""

    __tablename__ = "view_salts"

    day: Mapped[date] = mapped_column(Date(), primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))
