"""One adaptation as its pages and the API show it: everything gathered once, as the reader may act on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..domain.diff import Chunk, word_diff
from ..domain.rules import available_actions, can_edit
from ..models import Adaptation, ArticleRevision, Draft, HistoryEntry, User
from .adaptations import latest_ready_draft
from .effort import Effort, effort_for
from .memory import Match, draft_matches
from .qa import QaResult, findings_for
from .queries import Credits, credits_for, history_for

#: History actions that hand the adaptation to an adaptor.
TAKING = ("claim", "reassign")


@dataclass(frozen=True)
class SourceChange:
    """The original was revised after the adaptation was written: the two revisions and what changed."""

    old: ArticleRevision
    new: ArticleRevision
    title: list[Chunk]
    body: list[Chunk]


@dataclass(frozen=True)
class AdaptationView:
    """Everything about one adaptation that its pages and the API show, as `reader` may act on it."""

    adaptation: Adaptation
    history: list[HistoryEntry]  #: oldest first
    draft: Draft | None  #: the newest machine draft, finished or not
    ready: Draft | None  #: the newest finished machine draft
    memory: dict[int, dict[int, list[Match]]]  #: memory matches by draft id, then segment index
    credits: Credits
    effort: Effort
    qa: list[QaResult]
    actions: list[str]  #: what the reader may do now
    can_edit: bool  #: whether the reader may save title and body now
    source_change: SourceChange | None

    @property
    def thread(self) -> list[HistoryEntry]:
        """History entries that carry a comment: the conversation about the adaptation."""
        return [entry for entry in self.history if entry.comment]

    @property
    def taken_at(self) -> datetime | None:
        """When an adaptor last claimed it or was handed it."""
        return next((e.at for e in reversed(self.history) if e.action in TAKING), None)

    @property
    def late_draft(self) -> bool:
        """Whether the finished draft came after the adaptation was taken (so it did not seed its text)."""
        ready, taken_at = self.ready, self.taken_at
        return bool(ready and taken_at and ready.finished_at and ready.finished_at > taken_at)

    @property
    def working_draft(self) -> Draft | None:
        """The draft the adaptor works from: the newest finished one, else the newest."""
        return self.ready or self.draft

    def matches(self, draft: Draft | None) -> dict[int, list[Match]]:
        """Memory matches for each segment of one of the two drafts, by segment index."""
        return self.memory.get(draft.id, {}) if draft is not None else {}


def source_change(adaptation: Adaptation) -> SourceChange | None:
    """What changed in the original since the revision the adaptation was written against, if it changed."""
    if not adaptation.source_changed:
        return None
    article = adaptation.article
    old, new = article.revision(adaptation.based_on_revision), article.latest
    if old is None:
        return None
    return SourceChange(old, new, word_diff(old.title, new.title), word_diff(old.body, new.body))


def adaptation_view(session: Session, reader: User | None, adaptation: Adaptation) -> AdaptationView:
    """The adaptation with its history, drafts, memory matches, credits, effort, QA findings and what
    `reader` (None: an anonymous reader) may do with it."""
    draft, ready = adaptation.draft, latest_ready_draft(adaptation)
    memory = {d.id: draft_matches(session, adaptation, d) for d in {draft, ready} if d is not None}
    subject = adaptation.subject
    return AdaptationView(
        adaptation=adaptation,
        history=history_for(session, adaptation),
        draft=draft,
        ready=ready,
        memory=memory,
        credits=credits_for(session, adaptation),
        effort=effort_for(session, adaptation),
        qa=findings_for(session, adaptation),
        actions=available_actions(reader.actor, subject) if reader is not None else [],
        can_edit=can_edit(reader.actor, subject) if reader is not None else False,
        source_change=source_change(adaptation),
    )
