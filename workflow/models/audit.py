"""The admin audit log: who changed which account, installed which model or registered which webhook, and
when. Append-only."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .history import AppendOnlyError
from .users import User


class AuditAction(StrEnum):
    """What an audit entry records."""

    USER_CREATED = "user_created"  #: a person was added (details: roles)
    USER_DISABLED = "user_disabled"  #: their login, sessions and tokens ended for good
    USER_ENABLED = "user_enabled"  #: they may log in again (old sessions and tokens stay dead)
    ROLES_CHANGED = "roles_changed"  #: details: before, after
    PASSWORD_RESET = "password_reset"  #: by an admin or the command line (details: must_change)
    PASSWORD_CHANGED = "password_changed"  #: by the person themselves
    TOKEN_REVOKED = "token_revoked"  #: details: token_id, name
    SESSIONS_ENDED = "sessions_ended"  #: "log out everywhere" (details: sessions)
    TOKEN_ISSUED = "token_issued"  #: a token made for someone at the command line (details: token_id, name)
    MODEL_IMPORTED = "model_imported"  #: a model installed from a file (details: package, version[, file])
    MODEL_INSTALLED = "model_installed"  #: one from the package index (details: package, version, index)
    DRAFTS_RETRIED = "drafts_retried"  #: failed drafts queued again (details: source, target, drafts)
    WEBHOOK_ADDED = "webhook_added"  #: a webhook receiver registered (details: webhook_id, url, events)
    WEBHOOK_REMOVED = "webhook_removed"  #: a webhook receiver removed (details: webhook_id, url)
    MEMORY_IMPORTED = (
        "memory_imported"  #: a TMX file read into the memory (details: file, pair, added, skipped)
    )
    GLOSSARY_IMPORTED = "glossary_imported"  #: a TBX or CSV file read into the glossary (details: the counts)
    SETTINGS_CHANGED = (
        "settings_changed"  #: someone's e-mail or language pairs set by an admin (before, after)
    )


class AuditEntry(Base):
    """One administrative act. `actor` is the admin, None for the command line when no admin was named;
    `origin` says where it was done from: "command line (user@host)" for `adaptdesk` commands, None for the
    pages and the API."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(32), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    origin: Mapped[str | None] = mapped_column(String(200))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id], lazy="joined")


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_audit_change(_mapper, _connection, target: AuditEntry) -> None:
    raise AppendOnlyError(f"audit entry {target.id} is append-only")
