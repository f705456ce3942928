"""Rows the workers share to coordinate periodic duties (the relay, publishing, re-queueing drafts)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class DutyLock(Base):
    """Who may run a periodic duty until when: every worker tries, one wins each round."""

    __tablename__ = "duty_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
