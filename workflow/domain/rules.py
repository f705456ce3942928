"""Permission rules as pure predicates over plain facts about the actor and the adaptation."""

from __future__ import annotations

from dataclasses import dataclass

from .actions import ACTIONS, Action
from .states import EDITABLE_STATES, Relation, Role, State


@dataclass(frozen=True)
class Actor:
    """Who is acting: an id and the roles they hold."""

    id: int
    roles: frozenset[Role]
    name: str = ""

    def has(self, role: Role) -> bool:
        """Whether the actor holds `role`."""
        return role in self.roles


@dataclass(frozen=True)
class Subject:
    """What the rules need to know about an adaptation."""

    state: State
    reporter_id: int | None
    holder_id: int | None = None
    holder_name: str | None = None


@dataclass(frozen=True)
class Refusal:
    """Why an action may not be taken: the HTTP status it maps to, a code, and words for people."""

    status: int
    code: str
    message: str


def _relation_refusal(action: Action, actor: Actor, subject: Subject) -> Refusal | None:
    held_by_other = subject.holder_id is not None and subject.holder_id != actor.id
    holder = subject.holder_name or "another adaptor"
    match action.relation:
        case Relation.FREE_OR_HOLDER if held_by_other:
            return Refusal(409, "held", f"This adaptation is held by {holder}; ask an editor to reassign it.")
        case Relation.HOLDER if subject.holder_id != actor.id:
            return Refusal(
                403, "not_holder", f"Only the person holding this adaptation may {action.name} it."
            )
        case Relation.HOLDER_OR_EDITOR if subject.holder_id != actor.id and not actor.has(Role.EDITOR):
            return Refusal(
                403, "not_holder", f"Only the holder or an editor may {action.name} this adaptation."
            )
        case Relation.REPORTER_OR_EDITOR if subject.reporter_id != actor.id and not actor.has(Role.EDITOR):
            return Refusal(
                403, "not_reporter", f"Only the reporter of the original or an editor may {action.name} it."
            )
    return None


def available_actions(actor: Actor, subject: Subject) -> list[str]:
    """Names of the actions this actor may take on the adaptation now, in table order."""
    return [name for name, action in ACTIONS.items() if refusal_for(action, actor, subject) is None]


def refusal_for(action: Action, actor: Actor, subject: Subject) -> Refusal | None:
    """Why `actor` may not take `action` on `subject`, or None when they may.

    A role that may never take the action is refused first (403); then an action that the
    current state does not allow (409); then the actor's relation to the adaptation.
    """
    if not actor.roles & action.roles:
        roles = " or ".join(sorted(r.value + "s" for r in action.roles))
        return Refusal(403, "forbidden", f"Only {roles} may {action.name} an adaptation.")
    if subject.state not in action.from_states:
        return Refusal(409, "invalid_state", _state_message(action, actor, subject))
    return _relation_refusal(action, actor, subject)


def _state_message(action: Action, actor: Actor, subject: Subject) -> str:
    allowed = [
        name
        for name, other in ACTIONS.items()
        if subject.state in other.from_states
        and actor.roles & other.roles
        and _relation_refusal(other, actor, subject) is None
    ]
    allowed_text = ", ".join(allowed) if allowed else "none"
    return f"Cannot {action.name}: the adaptation is {subject.state.value}. Allowed now: {allowed_text}."


def can_edit(actor: Actor, subject: Subject) -> bool:
    """Whether the actor may save the adaptation's title and body."""
    if subject.state not in EDITABLE_STATES:
        return False
    if actor.has(Role.EDITOR):
        return True
    return actor.has(Role.ADAPTOR) and subject.holder_id == actor.id and subject.state == State.IN_ADAPTATION


def can_view_adaptation(actor: Actor | None, subject: Subject) -> bool:
    """Whether the actor may see the adaptation (published ones are public)."""
    if subject.state == State.PUBLISHED:
        return True
    if actor is None:
        return False
    if actor.has(Role.EDITOR) or actor.has(Role.ADAPTOR):
        return True
    return actor.has(Role.REPORTER) and subject.reporter_id == actor.id


def can_view_article(actor: Actor | None, reporter_id: int) -> bool:
    """Whether the actor may see an unpublished original."""
    if actor is None:
        return False
    if actor.has(Role.EDITOR) or actor.has(Role.ADAPTOR):
        return True
    return actor.id == reporter_id


def can_view_work_queue(actor: Actor) -> bool:
    """Whether the actor may list work in progress (adaptors and editors)."""
    return actor.has(Role.ADAPTOR) or actor.has(Role.EDITOR)


def can_revise_article(actor: Actor, reporter_id: int, any_published: bool) -> bool:
    """Whether the actor may add a revision to the original."""
    return actor.id == reporter_id and actor.has(Role.REPORTER) and not any_published


def can_submit_article(actor: Actor) -> bool:
    """Whether the actor may submit a new original."""
    return actor.has(Role.REPORTER)


def can_manage_users(actor: Actor) -> bool:
    """Whether the actor may list people and change their roles."""
    return actor.has(Role.ADMIN)


def can_edit_glossary(actor: Actor) -> bool:
    """Whether the actor may add, change or delete glossary terms (editors keep the house style)."""
    return actor.has(Role.EDITOR)


def can_override_qa(actor: Actor) -> bool:
    """Whether the actor may let a blocking QA finding through, with a reason."""
    return actor.has(Role.EDITOR)


def can_read_reports(actor: Actor) -> bool:
    """Whether the actor may read the newsroom's effort dashboard and credits report."""
    return actor.has(Role.EDITOR)


def can_retry_drafts(actor: Actor) -> bool:
    """Whether the actor may queue failed machine-translation drafts again (e.g. after installing a model)."""
    return actor.has(Role.ADMIN)
