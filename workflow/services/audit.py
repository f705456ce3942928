"""The admin audit log: recording administrative acts and reading them back, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..domain.messages import N_
from ..domain.rules import can_manage_users
from ..models import AuditAction, AuditEntry, User
from .errors import InvalidInput, NotAllowed

MAX_PAGE = 500
#: Where the session's `info` keeps the origin its entries carry (see `act_from`).
_ORIGIN = "audit_origin"
MAX_ORIGIN = 200


def act_from(session: Session, origin: str) -> None:
    """Mark every entry this session records from now on as done from `origin`, e.g. "command line
    (alice@newsroom-1)": an `adaptdesk` command says so once, and the services it calls need not know."""
    session.info[_ORIGIN] = origin[:MAX_ORIGIN]


def record(
    session: Session, actor: User | None, action: AuditAction, subject: User | None = None, **details: Any
) -> AuditEntry:
    """Append one entry: `actor` did `action` to `subject` (None: at the command line), from the session's
    origin (None: the pages or the API)."""
    entry = AuditEntry(
        action=action.value,
        actor_id=actor.id if actor is not None else None,
        subject_id=subject.id if subject is not None else None,
        details=details,
        origin=session.info.get(_ORIGIN),
    )
    session.add(entry)
    session.flush()
    return entry


def parse_action(raw: str | None) -> AuditAction | None:
    """An action filter by name (None when not given); 400 naming the known actions otherwise."""
    if not raw:
        return None
    try:
        return AuditAction(raw.strip().lower())
    except ValueError:
        known = ", ".join(a.value for a in AuditAction)
        raise InvalidInput(
            "action", N_("Unknown audit action %(raw)s. Actions are: %(known)s.", raw=repr(raw), known=known)
        ) from None


def entries(
    session: Session,
    actor: User,
    *,
    limit: int = 100,
    before: int | None = None,
    action: AuditAction | None = None,
    subject: User | None = None,
) -> list[AuditEntry]:
    """Entries newest first (admins only): at most `limit`, with ids below `before`, of one action or person."""
    query = entries_select(actor, before=before, action=action, subject=subject)
    return list(session.scalars(query.limit(min(max(limit, 1), MAX_PAGE))))


def entries_select(
    actor: User,
    *,
    before: int | None = None,
    action: AuditAction | None = None,
    subject: User | None = None,
) -> Select:
    """Entries newest first (admins only), with ids below `before`, of one action or person (for `page_of`)."""
    if not can_manage_users(actor.actor):
        raise NotAllowed(N_("The audit log is for admins."))
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if before is not None:
        query = query.where(AuditEntry.id < before)
    if action is not None:
        query = query.where(AuditEntry.action == action.value)
    if subject is not None:
        query = query.where(AuditEntry.subject_id == subject.id)
    return query
