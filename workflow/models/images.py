"""Lead pictures of originals and adaptations: re-encoded renditions on disk, described here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class LeadImage(Base):
    """A lead picture attached to an original or an adaptation (the newest one attached is shown)."""

    __tablename__ = "lead_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(
        String(32), unique=True
    )  #: random file name stem: addresses never change
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    adaptation_id: Mapped[int | None] = mapped_column(
        ForeignKey("adaptations.id", ondelete="CASCADE"), index=True
    )
    width: Mapped[int] = mapped_column()  #: of the largest rendition
    height: Mapped[int] = mapped_column()
    widths: Mapped[str] = mapped_column(String(100))  #: rendition widths, comma-separated, smallest first
    alt: Mapped[str] = mapped_column(String(300))
    caption: Mapped[str] = mapped_column(String(500), default="")
    credit: Mapped[str] = mapped_column(
        String(200), default=""
    )  #: the photographer (or agency), printed and in JSON-LD
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def rendition_widths(self) -> list[int]:
        """The widths the picture was saved at, smallest first."""
        return [int(w) for w in self.widths.split(",") if w]
