"""Telling people what concerns them: notifications written with the change they tell about (same
transaction), listed and marked read by their owner, and the deadline warnings a periodic duty writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from ..domain.languages import language_name
from ..domain.messages import N_
from ..domain.notifications import AUDIENCE, Audience, Event, event_for, message_for
from ..domain.priority import DUE_SOON, MET_STATES
from ..domain.states import Role
from ..models import Adaptation, Credit, MailState, Notification, RoleGrant, User, utcnow
from . import live
from .errors import InvalidInput


def _active_with_role(session: Session, role: Role) -> list[User]:
    stmt = (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role.value, User.active.is_(True))
        .order_by(User.id)
    )
    return list(session.scalars(stmt).unique())


def works_in_pair(person: User, source: str, target: str) -> bool:
    """Whether an adaptor hears about drafts of `source` → `target` (everyone who named no pair does)."""
    pairs = person.language_pairs.split()
    return not pairs or f"{source}-{target}" in pairs


def _pair_adaptors(session: Session, adaptation: Adaptation) -> list[User]:
    source, target = adaptation.article.language, adaptation.language
    return [p for p in _active_with_role(session, Role.ADAPTOR) if works_in_pair(p, source, target)]


def _reporter_and_adaptors(session: Session, adaptation: Adaptation) -> list[User]:
    people = [adaptation.article.reporter]
    if adaptation.holder is not None:
        people.append(adaptation.holder)
    credited = select(Credit.user_id).where(
        Credit.adaptation_id == adaptation.id, Credit.role == Role.ADAPTOR.value
    )
    people += session.scalars(select(User).where(User.id.in_(credited))).all()
    return people


def recipients(session: Session, audience: Audience, adaptation: Adaptation) -> list[User]:
    """The active people an event of this audience concerns, each once."""
    match audience:
        case Audience.PAIR_ADAPTORS:
            people = _pair_adaptors(session, adaptation)
        case Audience.REPORTER_AND_ADAPTOR:
            people = _reporter_and_adaptors(session, adaptation)
        case Audience.EDITORS:
            people = _active_with_role(session, Role.EDITOR)
        case Audience.HOLDER:
            people = [adaptation.holder] if adaptation.holder else []
        case Audience.HOLDER_OR_PAIR_ADAPTORS:
            people = [adaptation.holder] if adaptation.holder else _pair_adaptors(session, adaptation)
    unique: dict[int, User] = {}
    for person in people:
        if person is not None and person.active:
            unique.setdefault(person.id, person)
    return list(unique.values())


def notify(
    session: Session,
    event: Event,
    adaptation: Adaptation,
    *,
    actor: User | None,
    details: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Tell everyone the event concerns (never the person who caused it); flushed with the caller's work."""
    pair = f"{language_name(adaptation.article.language)} → {language_name(adaptation.language)}"
    told = []
    for person in recipients(session, AUDIENCE[event], adaptation):
        if actor is not None and person.id == actor.id:
            continue
        mailed = bool(person.email) and event.value not in person.mail_muted.split()
        mail_state = MailState.PENDING if mailed else MailState.NONE
        if mailed and person.mail_digest:
            mail_state = MailState.DIGEST  # listed in their next daily digest instead
        notification = Notification(
            user_id=person.id,
            event=event.value,
            mail_state=mail_state.value,
            adaptation_id=adaptation.id,
            actor_id=actor.id if actor else None,
            details={"pair": pair, **(details or {})},
            created_at=now or utcnow(),
        )
        session.add(notification)
        told.append(notification)
    return told


def notify_for_history(
    session: Session,
    adaptation: Adaptation,
    action: str,
    to_state: str | None,
    actor: User | None,
    details: Mapping[str, Any],
) -> None:
    """Tell people about a history entry, if it is an event that concerns someone."""
    event = event_for(action, to_state, details)
    if event is not None:
        kept = {k: details[k] for k in ("round", "version", "revision") if k in details}
        notify(session, event, adaptation, actor=actor, details=kept)


def warn_due_soon(session: Session, now: datetime | None = None) -> list[int]:
    """Tell the people working on each adaptation due within the hour (once per deadline); returns their ids."""
    now = now or utcnow()
    due = session.scalars(
        select(Adaptation)
        .where(
            Adaptation.deadline.is_not(None),
            Adaptation.deadline <= now + DUE_SOON,
            Adaptation.deadline_warned_at.is_(None),
            Adaptation.state.not_in([s.value for s in MET_STATES]),
        )
        .order_by(Adaptation.deadline)
        .limit(500)
    ).all()
    for adaptation in due:
        notify(
            session,
            Event.DEADLINE_SOON,
            adaptation,
            actor=None,
            details={"deadline": adaptation.deadline.isoformat()},
        )
        adaptation.deadline_warned_at = now
    session.flush()
    return [a.id for a in due]


def notifications_select(person: User, *, unread_only: bool = False) -> Select:
    """A person's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == person.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.id.desc())


def unread_count(session: Session, person: User) -> int:
    """How many of a person's notifications are unread."""
    stmt = select(func.count(Notification.id)).where(
        Notification.user_id == person.id, Notification.read_at.is_(None)
    )
    return session.scalar(stmt) or 0


def mark_read(session: Session, person: User, ids: Iterable[int] | None, now: datetime | None = None) -> int:
    """Mark the person's notifications with these ids read (all of them when `ids` is None); returns how many
    changed. Someone else's ids are ignored, as if they did not exist."""
    stmt = update(Notification).where(Notification.user_id == person.id, Notification.read_at.is_(None))
    if ids is not None:
        ids = list(ids)
        if not ids:
            return 0
        stmt = stmt.where(Notification.id.in_(ids))
    changed = session.execute(
        stmt.values(read_at=now or utcnow()).execution_options(synchronize_session=False)
    )
    session.flush()
    if changed.rowcount:
        live.note_read(session, person)  # the person's other pages update their count after the commit
    return changed.rowcount or 0


def parse_read_request(data: Mapping[str, Any]) -> list[int] | None:
    """`{"ids": [1, 2]}` or `{"all": true}`: the ids to mark read, or None for all; 400 naming the field."""
    if data.get("all") is True:
        return None
    ids = data.get("ids")
    if not isinstance(ids, list) or not ids or len(ids) > 1000:
        raise InvalidInput("ids", N_('Send "ids" (a list of 1 to 1000 notification ids) or "all": true.'))
    if not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
        raise InvalidInput("ids", N_('"ids" must hold notification ids (whole numbers).'))
    return ids


def message(notification: Notification) -> str:
    """The sentence the notification shows."""
    return message_for(Event(notification.event), notification.details or {})
