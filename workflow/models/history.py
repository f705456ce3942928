"""The append-only record of who did what, and the credits it earns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .users import User


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a history row."""


class HistoryEntry(Base):
    """One step in an adaptation's life: actor, action, from, to, time, comment."""

    __tablename__ = "history"

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


class Credit(Base):
    """A person credited for an adaptation, recorded when the work happened."""

    __tablename__ = "credits"
    __table_args__ = (
        UniqueConstraint("adaptation_id", "role", "user_id"),
        #: A person's credits (their public page lists the stories they wrote).
        Index("ix_credits_user_id_role", "user_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


@event.listens_for(HistoryEntry, "before_update")
@event.listens_for(HistoryEntry, "before_delete")
def _refuse_history_change(_mapper, _connection, target: HistoryEntry) -> None:
    raise AppendOnlyError(f"history entry {target.id} is append-only")
