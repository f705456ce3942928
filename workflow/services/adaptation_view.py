"""One adaptation as its pages and the API show it: everything gathered once, as the reader may act on it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from ..domain.diff import Chunk, kept_word_diff
from ..domain.rules import available_actions, can_edit, can_see_workings
from ..models import Adaptation, ArticleRevision, Draft, HistoryEntry, User
from .adaptations import latest_ready_draft
from .effort import Effort, effort_for
from .memory import Match, stored_draft_matches
from .publishing import PublicStory, public_story
from .qa import QaResult, findings_for
from .queries import Credits, credits_for, history_for

#: History actions that hand the adaptation to an adaptor.
TAKING = ("claim", "reassign", "correct")
#: History actions that end a review round (a new one starts after them).
DECIDING = ("request-changes", "approve", "reject")


@dataclass(frozen=True)
class SourceChange:
    """The original was revised after the adaptation was written: the two revisions and what changed."""

    old: ArticleRevision
    new: ArticleRevision
    title: Sequence[Chunk]
    body: Sequence[Chunk]


@dataclass(frozen=True)
class AdaptationView:
    """Everything about one adaptation that its pages and the API show, as `reader` may act on it."""

    adaptation: Adaptation
    history: list[HistoryEntry]  #: oldest first
    draft: Draft | None  #: the newest machine draft, finished or not
    ready: Draft | None  #: the newest finished machine draft
    credits: Credits
    effort: Effort
    qa: list[QaResult]
    actions: list[str]  #: what the reader may do now
    can_edit: bool  #: whether the reader may save title and body now
    source_change: SourceChange | None
    #: Whether the reader sees the workings (thread, QA, machine draft); if not, only `story` is theirs.
    workings: bool = True
    story: PublicStory | None = None  #: what the public site shows, when it shows it
    #: A draft's memory matches by segment index: read when a page asks (stored once per draft and memory
    #: generation, so the review page, which shows none, never looks them up).
    load_matches: Callable[[Draft], dict[int, list[Match]]] = field(default=lambda _draft: {}, repr=False)

    @property
    def round_source_changes(self) -> list[SourceChange]:
        """What changed in the original for each revision acknowledged during the round."""
        changes = (
            revision_change(self.adaptation, e.details.get("previous"), e.details.get("revision"))
            for e in self.source_acknowledged
        )
        return [change for change in changes if change is not None]

    @property
    def source_acknowledged(self) -> list[HistoryEntry]:
        """Revisions of the original acknowledged since the last decision: the source changed during the round."""
        since = next((i for i in range(len(self.history) - 1, -1, -1) if self._closes(i)), -1)
        return [e for e in self.history[since + 1 :] if e.action == "acknowledge-source"]

    def _closes(self, index: int) -> bool:
        # The decision that closed the previous round (or opened a correction) starts this one.
        return self.history[index].action in (*DECIDING, "correct")

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
        return self.load_matches(draft) if draft is not None else {}


def source_change(adaptation: Adaptation) -> SourceChange | None:
    """What changed in the original since the revision the adaptation was written against, if it changed."""
    if not adaptation.source_changed:
        return None
    return revision_change(adaptation, adaptation.based_on_revision, adaptation.article.current_revision)


def revision_change(
    adaptation: Adaptation, old_number: int | None, new_number: int | None
) -> SourceChange | None:
    """What changed in the adaptation's original between two of its revisions (None if either is unknown)."""
    article = adaptation.article
    old = article.revision(old_number) if old_number else None
    new = article.revision(new_number) if new_number else None
    if old is None or new is None:
        return None
    return SourceChange(old, new, kept_word_diff(old.title, new.title), kept_word_diff(old.body, new.body))


def adaptation_view(
    session: Session, reader: User | None, adaptation: Adaptation, *, allow_self_approval: bool = False
) -> AdaptationView:
    """The adaptation with its history, drafts, memory matches, credits, effort, QA findings and what
    `reader` (None: an anonymous reader) may do with it; once published, a reader who did not work on it
    (nor edits) gets what the public site shows."""
    subject = adaptation.subject
    workings = can_see_workings(reader.actor if reader is not None else None, subject)
    draft, ready = (adaptation.draft, latest_ready_draft(adaptation)) if workings else (None, None)
    return AdaptationView(
        adaptation=adaptation,
        history=history_for(session, adaptation) if workings else [],
        draft=draft,
        ready=ready,
        credits=credits_for(adaptation),
        effort=effort_for(session, adaptation),
        qa=findings_for(session, adaptation) if workings else [],
        actions=available_actions(reader.actor, subject, allow_self_approval=allow_self_approval)
        if reader is not None
        else [],
        can_edit=can_edit(reader.actor, subject) if reader is not None else False,
        source_change=source_change(adaptation) if workings else None,
        workings=workings,
        story=public_story(adaptation),
        load_matches=partial(stored_draft_matches, session, adaptation),
    )
