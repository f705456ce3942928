"""The adaptation state machine: states, roles, and the events the system records (actions: `actions.py`)."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where an adaptation stands between the original report and publication."""

    QUEUED = "queued"  #: waiting for a machine-translation worker
    TRANSLATING = "translating"  #: a worker is producing the machine-translation draft
    DRAFT_READY = "draft_ready"  #: the machine-translation draft is ready to be claimed
    MT_FAILED = "mt_failed"  #: no draft could be made; an adaptor may still write from scratch
    IN_ADAPTATION = "in_adaptation"  #: an adaptor holds it and is adapting
    IN_REVIEW = "in_review"  #: submitted; waiting for an editor
    CHANGES_REQUESTED = "changes_requested"  #: an editor sent it back with a comment
    SCHEDULED = "scheduled"  #: approved, to be published at a set time
    PUBLISHED = "published"  #: on the public site
    REJECTED = "rejected"  #: an editor decided it will not run
    WITHDRAWN = "withdrawn"  #: the reporter or an editor pulled it
    CORRECTING = "correcting"  #: published, and being corrected; the public page keeps the published text
    UNPUBLISHED = "unpublished"  #: an editor took it off the site (410 Gone); it may be republished


class Role(StrEnum):
    """What a person does in the newsroom; one person may hold several."""

    REPORTER = "reporter"  #: writes and revises originals
    ADAPTOR = "adaptor"  #: claims drafts and adapts them
    EDITOR = "editor"  #: reviews, requests changes, approves or rejects
    ADMIN = "admin"  #: manages people and models


class Relation(StrEnum):
    """How the actor must relate to the adaptation, beyond holding a role."""

    ANY = "any"  #: the role is enough
    FREE_OR_HOLDER = "free_or_holder"  #: nobody else may hold it (claim)
    HOLDER = "holder"  #: only the person holding it
    HOLDER_OR_EDITOR = "holder_or_editor"  #: the holder, or any editor
    REPORTER_OR_EDITOR = "reporter_or_editor"  #: the article's own reporter, or any editor


DRAFT_STATES = frozenset({State.QUEUED, State.TRANSLATING, State.DRAFT_READY, State.MT_FAILED})
#: The work is done (work lists put these apart); an editor may still reopen a published story (correct,
#: unpublish) or put an unpublished one back.
FINAL_STATES = frozenset({State.PUBLISHED, State.REJECTED, State.WITHDRAWN, State.UNPUBLISHED})
#: Never left again.
CLOSED_STATES = frozenset({State.REJECTED, State.WITHDRAWN})
EDITABLE_STATES = frozenset({State.IN_ADAPTATION, State.IN_REVIEW, State.CHANGES_REQUESTED, State.CORRECTING})
#: A story once published is off the public site in these states (unpublished by an editor).
OFF_SITE_STATES = frozenset({State.UNPUBLISHED, State.REJECTED, State.WITHDRAWN})
#: Where the adaptor works on the text they hold (an editor may edit in review too).
HOLDER_EDITS = frozenset({State.IN_ADAPTATION, State.CHANGES_REQUESTED, State.CORRECTING})


#: Events the system records: (name, from-states, to-state).
SYSTEM_EVENTS: dict[str, tuple[frozenset[State], State]] = {
    "draft-started": (frozenset({State.QUEUED}), State.TRANSLATING),
    "draft-ready": (frozenset({State.QUEUED, State.TRANSLATING}), State.DRAFT_READY),
    "draft-failed": (frozenset({State.QUEUED, State.TRANSLATING}), State.MT_FAILED),
    "redraft": (DRAFT_STATES, State.QUEUED),
    "publish": (frozenset({State.SCHEDULED}), State.PUBLISHED),
}
