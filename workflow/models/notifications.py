"""Notifications: what each person was told, and whether they read it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .adaptations import Adaptation
from .base import Base, UTCDateTime, utcnow
from .users import User


class Notification(Base):
    """One event told to one person (written in the transaction of the change it tells about)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: A `domain.notifications.Event` value.
    event: Mapped[str] = mapped_column(String(32))
    adaptation_id: Mapped[int | None] = mapped_column(
        ForeignKey("adaptations.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What the message is filled with (the language pair, the round …).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    adaptation: Mapped[Adaptation | None] = relationship(lazy="joined")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
