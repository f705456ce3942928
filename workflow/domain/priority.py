"""How urgent an adaptation is and when it is due: priorities, deadlines and the marks the desk shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from .states import FINAL_STATES, State


class Priority(StrEnum):
    """How urgent an adaptation is; work lists put the more urgent first."""

    URGENT = "urgent"  #: breaking news: its draft jobs jump the line, and it heads every queue
    HIGH = "high"  #: ahead of the day's normal work
    NORMAL = "normal"  #: the default
    LOW = "low"  #: when there is time

    @property
    def rank(self) -> int:
        """Its place in a work list: 0 for urgent, first."""
        return list(Priority).index(self)


DEFAULT_PRIORITY = Priority.NORMAL
#: An adaptation whose deadline is this close is "due soon".
DUE_SOON = timedelta(hours=1)
#: The work a deadline is about is done in these states (approved, out, or dropped): no mark.
MET_STATES = FINAL_STATES | {State.SCHEDULED}


class DeadlineMark(StrEnum):
    """What the desk says about an adaptation's deadline."""

    OVERDUE = "overdue"  #: the deadline has passed and the work is not done
    DUE_SOON = "due_soon"  #: the deadline is within the hour


def deadline_mark(deadline: datetime | None, state: State, now: datetime) -> DeadlineMark | None:
    """Overdue, due soon, or nothing (no deadline, or the work is done: scheduled, published, rejected …)."""
    if deadline is None or state in MET_STATES:
        return None
    if deadline <= now:
        return DeadlineMark.OVERDUE
    if deadline <= now + DUE_SOON:
        return DeadlineMark.DUE_SOON
    return None
