"""Appending to an adaptation's history and credits; a step into `published` also feeds the translation memory."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..domain.states import State
from ..models import Adaptation, Credit, HistoryEntry, User
from . import live, memory, notifications


def record(
    session: Session,
    adaptation: Adaptation,
    action: str,
    *,
    from_state: str | None,
    to_state: str | None,
    actor: User | None,
    comment: str = "",
    **details,
) -> HistoryEntry:
    """Append one entry to the adaptation's history, and tell the people it concerns (notifications, and the
    live desk once the caller commits)."""
    entry = HistoryEntry(
        adaptation_id=adaptation.id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor.id if actor else None,
        comment=comment,
        details=details,
    )
    session.add(entry)
    notifications.notify_for_history(session, adaptation, action, to_state, actor, details)
    live.note_history(session, entry, adaptation, actor)  # published to the live desk after the commit
    return entry


def transition(
    session: Session,
    adaptation: Adaptation,
    action: str,
    to_state: str,
    *,
    actor: User | None,
    comment: str = "",
    **details,
) -> HistoryEntry:
    """Move the adaptation to `to_state` and record the step."""
    from_state = adaptation.state
    adaptation.state = to_state
    if to_state == State.PUBLISHED.value and from_state != to_state:
        memory.feed(session, adaptation)  # approved now or at its scheduled time: the memory learns it
    return record(
        session,
        adaptation,
        action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        comment=comment,
        **details,
    )


def add_credit(session: Session, adaptation: Adaptation, role: str, user: User) -> None:
    """Credit a person for a role on the adaptation, once; earlier credits are never touched."""
    if not any(c.role == role and c.user_id == user.id for c in adaptation.credits):
        adaptation.credits.append(Credit(adaptation_id=adaptation.id, role=role, user_id=user.id, user=user))
