"""Permission rules as pure predicates over plain facts about the actor and the adaptation."""

from __future__ import annotations

from dataclasses import dataclass

from .actions import ACTIONS, ROLE_PLURALS, STATE_WORDS, Action
from .messages import N_, Listing
from .states import EDITABLE_STATES, HOLDER_EDITS, OFF_SITE_STATES, Relation, Role, State


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
    #: A version of it is (or was) on the public site.
    published: bool = False
    #: The original has a revision the adaptation has not been checked against.
    source_changed: bool = False
    #: People credited as its adaptors (four eyes), and everyone credited on it.
    adaptor_ids: frozenset[int] = frozenset()
    credited_ids: frozenset[int] = frozenset()

    @property
    def public(self) -> bool:
        """Whether its published version is on the public site now."""
        return self.published and self.state not in OFF_SITE_STATES


@dataclass(frozen=True)
class Refusal:
    """Why an action may not be taken: the HTTP status it maps to, a code, and words for people."""

    status: int
    code: str
    message: str


def _relation_refusal(action: Action, actor: Actor, subject: Subject) -> Refusal | None:
    held_by_other = subject.holder_id is not None and subject.holder_id != actor.id
    holder = subject.holder_name or N_("another adaptor")
    match action.relation:
        case Relation.FREE_OR_HOLDER if held_by_other:
            return Refusal(
                409,
                "held",
                N_("This adaptation is held by %(holder)s; ask an editor to reassign it.", holder=holder),
            )
        case Relation.HOLDER if subject.holder_id != actor.id:
            return Refusal(
                403,
                "not_holder",
                N_("Only the person holding this adaptation may %(action)s it.", action=action.word),
            )
        case Relation.HOLDER_OR_EDITOR if subject.holder_id != actor.id and not actor.has(Role.EDITOR):
            return Refusal(
                403,
                "not_holder",
                N_("Only the holder or an editor may %(action)s this adaptation.", action=action.word),
            )
        case Relation.REPORTER_OR_EDITOR if subject.reporter_id != actor.id and not actor.has(Role.EDITOR):
            return Refusal(
                403,
                "not_reporter",
                N_("Only the reporter of the original or an editor may %(action)s it.", action=action.word),
            )
    return None


def available_actions(actor: Actor, subject: Subject, *, allow_self_approval: bool = False) -> list[str]:
    """Names of the actions this actor may take on the adaptation now, in table order."""
    # refusal_for's answer without its messages (a list page asks this for every row of the page): a role
    # that may never take the action and a state that does not allow it are refusals whatever follows.
    return [
        name
        for name, action in ACTIONS.items()
        if actor.roles & action.roles
        and subject.state in action.from_states
        and _refusal_in_state(action, actor, subject, allow_self_approval) is None
    ]


SELF_APPROVAL = Refusal(
    403,
    "self_approval",
    N_(
        "You adapted this story: another editor must approve it or let its QA findings through (four eyes). "
        "A newsroom of one may allow it with ADAPTDESK_ALLOW_SELF_APPROVAL=1."
    ),
)


def refusal_for(
    action: Action, actor: Actor, subject: Subject, *, allow_self_approval: bool = False
) -> Refusal | None:
    """Why `actor` may not take `action` on `subject`, or None when they may.

    A role that may never take the action is refused first (403); then an action that the
    current state does not allow (409); then the actor's relation to the adaptation, their own work
    (four eyes, 403), and a revision of the original not yet taken into account (409).
    """
    if not actor.roles & action.roles:
        roles = Listing([ROLE_PLURALS[r] for r in sorted(action.roles)], "or")
        return Refusal(
            403,
            "forbidden",
            N_("Only %(roles)s may %(action)s an adaptation.", roles=roles, action=action.word),
        )
    if subject.state not in action.from_states:
        message = _state_message(action, actor, subject, allow_self_approval)
        return Refusal(409, "invalid_state", message)
    return _refusal_in_state(action, actor, subject, allow_self_approval)


def _refusal_in_state(
    action: Action, actor: Actor, subject: Subject, allow_self_approval: bool
) -> Refusal | None:
    """Why an action the state allows may still not be taken by this actor now."""
    if action.before_publication and subject.published:
        return Refusal(
            409,
            "published",
            N_(
                "This story has been published, so %(action)s no longer applies; an editor may unpublish "
                "it (with a reason) instead.",
                action=action.word,
            ),
        )
    refusal = _relation_refusal(action, actor, subject)
    if refusal is None and action.four_eyes:
        refusal = self_approval_refusal(actor, subject, allow_self_approval)
    if refusal is None and action.needs_current_source and subject.source_changed:
        return Refusal(
            409,
            "source_changed",
            N_(
                "The original was revised after this adaptation was written. Read what changed (shown with "
                "the adaptation), bring the adaptation in line, and acknowledge the change before you "
                "%(action)s it.",
                action=action.word,
            ),
        )
    if refusal is None and action.needs_changed_source and not subject.source_changed:
        return Refusal(
            409, "up_to_date", N_("The adaptation already follows the newest revision of the original.")
        )
    return refusal


def self_approval_refusal(actor: Actor, subject: Subject, allowed: bool) -> Refusal | None:
    """Four eyes: whoever adapted the story (credited as its adaptor, or holding it) may not approve it nor
    override its QA."""
    if allowed or (actor.id not in subject.adaptor_ids and actor.id != subject.holder_id):
        return None
    return SELF_APPROVAL


def _state_message(action: Action, actor: Actor, subject: Subject, allow_self_approval: bool) -> str:
    allowed = [
        name
        for name, other in ACTIONS.items()
        if subject.state in other.from_states
        and actor.roles & other.roles
        and _refusal_in_state(other, actor, subject, allow_self_approval) is None
    ]
    allowed_text = Listing([ACTIONS[name].word for name in allowed]) if allowed else N_("none")
    return N_(
        "Cannot %(action)s: the adaptation is %(state)s. Allowed now: %(allowed)s.",
        action=action.word,
        state=STATE_WORDS[subject.state],
        allowed=allowed_text,
    )


def can_edit(actor: Actor, subject: Subject) -> bool:
    """Whether the actor may save the adaptation's title and body (the holder may right after a review)."""
    if subject.state not in EDITABLE_STATES:
        return False
    if actor.has(Role.EDITOR):
        return True
    return actor.has(Role.ADAPTOR) and subject.holder_id == actor.id and subject.state in HOLDER_EDITS


def can_view_adaptation(actor: Actor | None, subject: Subject) -> bool:
    """Whether the actor may see the adaptation (stories on the public site are public)."""
    if subject.public:
        return True
    if actor is None:
        return False
    if subject.published:  # taken off the site: the people who worked on it, and editors
        return can_see_workings(actor, subject)
    if actor.has(Role.EDITOR) or actor.has(Role.ADAPTOR):
        return True
    return actor.has(Role.REPORTER) and subject.reporter_id == actor.id


def can_see_workings(actor: Actor | None, subject: Subject) -> bool:
    """Whether the actor sees the review thread, QA findings and overrides, and the machine draft.

    Before publication whoever may see the adaptation does; once published only editors, its holder and
    the people credited on it (anyone else reads the public fields only).
    """
    if actor is None:
        return False
    if not subject.published:
        return can_view_adaptation(actor, subject)
    return actor.has(Role.EDITOR) or actor.id == subject.holder_id or actor.id in subject.credited_ids


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


def can_list_all_articles(actor: Actor) -> bool:
    """Whether the actor may list every reporter's originals (editors); reporters list their own."""
    return actor.has(Role.EDITOR)


def can_list_own_articles(actor: Actor) -> bool:
    """Whether the actor may list the originals they submitted (reporters)."""
    return actor.has(Role.REPORTER)


def can_revise_article(actor: Actor, reporter_id: int) -> bool:
    """Whether the actor may add a revision to the original (after publication too: adaptations are flagged)."""
    return actor.id == reporter_id and actor.has(Role.REPORTER)


def can_submit_article(actor: Actor) -> bool:
    """Whether the actor may submit a new original."""
    return actor.has(Role.REPORTER)


def can_manage_users(actor: Actor) -> bool:
    """Whether the actor may list people and change their roles."""
    return actor.has(Role.ADMIN)


def can_edit_glossary(actor: Actor) -> bool:
    """Whether the actor may add, change or delete glossary terms (editors keep the house style)."""
    return actor.has(Role.EDITOR)


def can_import_language_data(actor: Actor) -> bool:
    """Whether the actor may import memories (TMX) and term bases (TBX, CSV) from other tools."""
    return actor.has(Role.EDITOR) or actor.has(Role.ADMIN)


def can_override_qa(actor: Actor) -> bool:
    """Whether the actor may let a blocking QA finding through, with a reason."""
    return actor.has(Role.EDITOR)


def can_read_reports(actor: Actor) -> bool:
    """Whether the actor may read the newsroom's effort dashboard and credits report."""
    return actor.has(Role.EDITOR)


def can_manage_webhooks(actor: Actor) -> bool:
    """Whether the actor may register, remove and redeliver webhooks (they see every event's data)."""
    return actor.has(Role.ADMIN)


def can_retry_drafts(actor: Actor) -> bool:
    """Whether the actor may queue failed machine-translation drafts again (e.g. after installing a model)."""
    return actor.has(Role.ADMIN)
