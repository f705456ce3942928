"""The expected outcome of every action, in every state, for every kind of actor — written out by hand.

It restates the workflow rules from the issue independently of `workflow.domain.states`, so the
tests compare the implementation against the specification, not against itself.
"""

from __future__ import annotations

ALL_STATES = [
    "queued",
    "translating",
    "draft_ready",
    "mt_failed",
    "in_adaptation",
    "in_review",
    "changes_requested",
    "scheduled",
    "published",
    "rejected",
    "withdrawn",
    "correcting",
    "unpublished",
]
ACTIONS = [
    "claim",
    "release",
    "reassign",
    "acknowledge-source",
    "submit",
    "request-changes",
    "approve",
    "reject",
    "correct",
    "unpublish",
    "republish",
    "prioritize",
    "withdraw",
]
#: own_reporter wrote the original; holder holds the adaptation (when anyone does); other_adaptor does not.
ACTORS = ["own_reporter", "other_reporter", "holder", "other_adaptor", "editor", "admin"]

#: States in which somebody holds the adaptation in the matrix set-up.
HELD_STATES = {
    "in_adaptation",
    "in_review",
    "changes_requested",
    "scheduled",
    "published",
    "rejected",
    "correcting",
    "unpublished",
}
#: States in which a version of the story is (or was) on the public site in the matrix set-up.
PUBLISHED_STATES = {"published", "correcting", "unpublished"}

DRAFT = {"queued", "translating", "draft_ready", "mt_failed"}
FINAL = {"published", "rejected", "withdrawn", "unpublished"}
#: Where a revision of the original is flagged and may be acknowledged.
ACKNOWLEDGEABLE = {
    "draft_ready",
    "mt_failed",
    "in_adaptation",
    "in_review",
    "changes_requested",
    "scheduled",
    "published",
    "correcting",
}


def expected(action: str, state: str, actor: str, *, source_changed: bool = False) -> int:
    """200 when allowed, 403 when the actor may not, 409 when the state does not allow it (or, with the
    original revised since the adaptation was written, submit and approve; without, acknowledging)."""
    ok, conflict, forbidden = 200, 409, 403
    editor_only = {"request-changes", "approve", "reject", "correct", "unpublish", "republish"}
    if action == "claim":
        if actor not in ("holder", "other_adaptor"):
            return forbidden
        if state in DRAFT:
            return ok
        if state == "changes_requested":
            return ok if actor == "holder" else conflict  # held by someone else
        return conflict
    if action == "release":
        if actor not in ("holder", "other_adaptor", "editor"):
            return forbidden
        if state not in ("in_adaptation", "changes_requested"):
            return conflict
        return forbidden if actor == "other_adaptor" else ok
    if action == "reassign":
        if actor != "editor":
            return forbidden
        return ok if state in DRAFT | {"in_adaptation", "changes_requested", "correcting"} else conflict
    if action == "acknowledge-source":
        if actor not in ("holder", "other_adaptor", "editor"):
            return forbidden
        if state not in ACKNOWLEDGEABLE:
            return conflict
        if actor != "editor" and not (actor == "holder" and state in HELD_STATES):
            return forbidden  # only the holder, or an editor
        return ok if source_changed else conflict  # nothing to acknowledge
    if action == "submit":
        if actor not in ("holder", "other_adaptor"):
            return forbidden
        if state not in ("in_adaptation", "changes_requested", "correcting"):
            return conflict
        if actor != "holder":
            return forbidden
        return conflict if source_changed else ok
    if action in editor_only:
        if actor != "editor":
            return forbidden
        allowed = {"correct": "published", "unpublish": "published", "republish": "unpublished"}
        if state != allowed.get(action, "in_review"):
            return conflict
        return conflict if action == "approve" and source_changed else ok
    if action == "prioritize":
        if actor != "editor":
            return forbidden  # reporters set it when they submit; editors change it later
        return conflict if state in FINAL else ok
    if action == "withdraw":
        if actor not in ("own_reporter", "other_reporter", "editor"):
            return forbidden
        if state in FINAL | PUBLISHED_STATES:
            return conflict  # a published story is unpublished instead
        return forbidden if actor == "other_reporter" else ok
    raise AssertionError(action)
