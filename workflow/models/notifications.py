"""Notifications: what each person was told, and whether they read it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .adaptations import Adaptation
from .base import Base, UTCDateTime, utcnow
from .users import User


class MailState(StrEnum):
    """Where the e-mail copy of a notification stands."""

    NONE = ""  #: not mailed (no address, the event muted, or no mail server)
    PENDING = "pending"  #: to be mailed once the change commits
    DIGEST = "digest"  #: to be listed in the person's next daily digest (they chose one mail a day)
    SENT = "sent"  #: the mail server took it
    FAILED = "failed"  #: every attempt failed (see the worker's log)


class Notification(Base):
    """One event told to one person (written in the transaction of the change it tells about)."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_mail_state", "mail_state"),
    )

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
    #: A `MailState` value: "" when it is not mailed.
    mail_state: Mapped[str] = mapped_column(String(12), default="", server_default="")
    mail_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When its mail job was last handed to the broker or taken by a worker (the relay sends it again when
    #: it stays pending long after: the broker lost it). None: not sent yet.
    mail_dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    adaptation: Mapped[Adaptation | None] = relationship(lazy="joined")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class MailDigest(Base):
    """One person's daily digest for one day of the newsroom's calendar: at most one per person and day (the
    unique key), written by the digest duty and mailed by a worker."""

    __tablename__ = "mail_digests"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_mail_digests_user_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The newsroom's local day (ADAPTDESK_TIMEZONE) it is the digest of.
    day: Mapped[date] = mapped_column(Date())
    #: It lists the person's notifications waiting for a digest that were written before this.
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime())
    #: "pending", "sent" or "failed" (a `MailState` value).
    state: Mapped[str] = mapped_column(String(12), default=MailState.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
