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
]
ACTIONS = ["claim", "release", "reassign", "submit", "request-changes", "approve", "reject", "withdraw"]
#: own_reporter wrote the original; holder holds the adaptation (when anyone does); other_adaptor does not.
ACTORS = ["own_reporter", "other_reporter", "holder", "other_adaptor", "editor", "admin"]

#: States in which somebody holds the adaptation in the matrix set-up.
HELD_STATES = {"in_adaptation", "in_review", "changes_requested", "scheduled", "published", "rejected"}

DRAFT = {"queued", "translating", "draft_ready", "mt_failed"}
FINAL = {"published", "rejected", "withdrawn"}


def expected(action: str, state: str, actor: str) -> int:
    """200 when allowed, 403 when the actor may not, 409 when the state does not allow it."""
    ok, conflict, forbidden = 200, 409, 403
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
        return ok if state in DRAFT | {"in_adaptation", "changes_requested"} else conflict
    if action == "submit":
        if actor not in ("holder", "other_adaptor"):
            return forbidden
        if state != "in_adaptation":
            return conflict
        return ok if actor == "holder" else forbidden
    if action in ("request-changes", "approve", "reject"):
        if actor != "editor":
            return forbidden
        return ok if state == "in_review" else conflict
    if action == "withdraw":
        if actor not in ("own_reporter", "other_reporter", "editor"):
            return forbidden
        if state in FINAL:
            return conflict
        return forbidden if actor == "other_reporter" else ok
    raise AssertionError(action)
