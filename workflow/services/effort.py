"""Editing effort: active editing time reported with saves, and the post-editing effort of each review round.

A save may report the seconds of active editing since the previous save. The claim is bounded: a whole
number, 0 or more, no more than the wall time since the same person's previous record on this adaptation
(or since the adaptation last entered an editable state: taken, submitted, sent back) plus some slack, and
never more than a hard cap per save. Only someone who may edit the adaptation may record time on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.effort import MAX_SECONDS_PER_SAVE, effort_score, seconds_allowed
from ..domain.messages import N_
from ..domain.rules import can_edit
from ..domain.states import EDITABLE_STATES
from ..models import Adaptation, DraftState, EditingTime, HistoryEntry, ReviewRound, User, utcnow
from .errors import InvalidInput, NotAllowed

FIELD = "active_seconds"
_DIGITS = re.compile(r"\d{1,9}")


@dataclass(frozen=True)
class Effort:
    """An adaptation's editing effort: the latest round's score, active seconds in all, review rounds."""

    score: float | None
    seconds: int
    rounds: int

    @property
    def rounded_score(self) -> int | None:
        """The score as a whole number (halves up), as pages and the API show it."""
        return None if self.score is None else int(self.score + 0.5)

    def to_json(self) -> dict[str, Any]:
        """`{score, seconds, rounds}`; the score rounded to a whole number (None when never measured)."""
        return {"score": self.rounded_score, "seconds": self.seconds, "rounds": self.rounds}


def parse_active_seconds(value: Any, field: str = FIELD, *, allow_text: bool = True) -> int | None:
    """Seconds of active editing from a form (text) or JSON (an integer, `allow_text=False`); None when not
    sent; 400 naming the field."""
    if value is None or (allow_text and isinstance(value, str) and not value.strip()):
        return None
    if allow_text and isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(
            field, N_("'%(field)s' must be a whole number of seconds, 0 or more.", field=field)
        )
    if value > MAX_SECONDS_PER_SAVE:
        raise InvalidInput(
            field,
            N_(
                "'%(field)s' may claim at most %(max_seconds_per_save)s seconds per save; save more often.",
                field=field,
                max_seconds_per_save=MAX_SECONDS_PER_SAVE,
            ),
        )
    return value


def _editing_since(session: Session, actor: User, adaptation: Adaptation) -> datetime:
    """When the claim's wall-time window opens: the later of the person's previous record on this
    adaptation and the last step that moved it into an editable state."""
    last_record = session.scalar(
        select(func.max(EditingTime.recorded_at)).where(
            EditingTime.adaptation_id == adaptation.id, EditingTime.user_id == actor.id
        )
    )
    # Steps that keep the state (a source change acknowledged) do not restart the window.
    entered = session.scalar(
        select(func.max(HistoryEntry.at)).where(
            HistoryEntry.adaptation_id == adaptation.id,
            HistoryEntry.to_state.in_([s.value for s in EDITABLE_STATES]),
            HistoryEntry.from_state.is_distinct_from(HistoryEntry.to_state),
        )
    )
    candidates = [t for t in (last_record, entered) if t is not None]
    return max(candidates) if candidates else adaptation.created_at


def record_editing_time(
    session: Session, actor: User, adaptation: Adaptation, seconds: int, *, now: datetime | None = None
) -> EditingTime | None:
    """Store the active seconds a save reports (nothing for 0); 403 for someone who may not edit, 400 beyond
    what could have passed."""
    if not can_edit(actor.actor, adaptation.subject):
        raise NotAllowed(
            N_(
                "Only the adaptor holding this adaptation, or an editor while it can be edited, may "
                "record editing time on it."
            )
        )
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise InvalidInput(
            FIELD, N_("'%(field)s' must be a whole number of seconds, 0 or more.", field=FIELD)
        )
    if seconds == 0:
        return None
    now = now or utcnow()
    allowed = seconds_allowed((now - _editing_since(session, actor, adaptation)).total_seconds())
    if seconds > allowed:
        raise InvalidInput(
            FIELD,
            N_(
                "%(seconds)s seconds of active editing is more than could have passed since your "
                "previous save on this adaptation (at most %(allowed)s). Nothing was saved; save again "
                "and the timer starts afresh.",
                seconds=seconds,
                allowed=allowed,
            ),
        )
    row = EditingTime(adaptation_id=adaptation.id, user_id=actor.id, seconds=seconds, recorded_at=now)
    session.add(row)
    session.flush()
    return row


def measure_round(session: Session, adaptation: Adaptation, review_round: ReviewRound) -> ReviewRound:
    """Measure a submitted round against the newest finished machine draft (none: written from scratch)."""
    draft = next((d for d in reversed(adaptation.drafts) if d.state == DraftState.READY.value), None)
    review_round.draft = draft
    review_round.draft_id = draft.id if draft is not None else None
    review_round.effort_score = (
        effort_score(draft.title, draft.body, review_round.title, review_round.body)
        if draft is not None
        else None
    )
    return review_round


def seconds_for_many(session: Session, adaptation_ids: list[int]) -> dict[int, int]:
    """Active editing seconds recorded on each adaptation (everyone's), in one query."""
    if not adaptation_ids:
        return {}
    rows = session.execute(
        select(EditingTime.adaptation_id, func.sum(EditingTime.seconds))
        .where(EditingTime.adaptation_id.in_(adaptation_ids))
        .group_by(EditingTime.adaptation_id)
    )
    return {adaptation_id: int(total or 0) for adaptation_id, total in rows}


def effort_for(session: Session, adaptation: Adaptation) -> Effort:
    """The adaptation's effort: the latest round's score (None before a submission or without a draft),
    active seconds recorded by everyone, and the number of review rounds."""
    rounds = adaptation.rounds
    seconds = seconds_for_many(session, [adaptation.id]).get(adaptation.id, 0)
    return Effort(score=rounds[-1].effort_score if rounds else None, seconds=seconds, rounds=len(rounds))
