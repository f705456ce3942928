"""What the public site shows of a story: its published versions, corrections, and whether it is up at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import Session

from ..domain.messages import N_
from ..domain.states import OFF_SITE_STATES, Role
from ..domain.webhooks import WebhookEvent
from ..models import Adaptation, Article, PublishedVersion, User
from . import webhooks
from .errors import InvalidInput, NotFound

#: Ids above this cannot exist (PostgreSQL `integer`).
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Correction:
    """A correction note as readers see it, with the time the corrected version went out."""

    text: str
    at: datetime


@dataclass(frozen=True)
class PublicStory:
    """A story as the public site shows it: the newest published version of an adaptation, never the text an
    adaptor may be correcting. Attribute names follow `Adaptation`, so lists and pages read either."""

    adaptation: Adaptation
    title: str
    body: str
    version: int
    published_at: datetime  #: when it first went out
    updated_at: datetime  #: when the version shown went out
    corrections: list[Correction]  #: every correction note, oldest first

    @property
    def id(self) -> int:
        """The adaptation's id (its public address)."""
        return self.adaptation.id

    @property
    def language(self) -> str:
        """The story's language."""
        return self.adaptation.language

    @property
    def slug(self) -> str:
        """The address's slug, fixed at the first publication."""
        return self.adaptation.slug

    @property
    def article(self) -> Article:
        """The original it was adapted from."""
        return self.adaptation.article

    @property
    def based_on_revision(self) -> int | None:
        """Revision of the original the version shown follows."""
        return self.adaptation.versions[self.version - 1].source_revision

    @property
    def updated(self) -> bool:
        """Whether a correction went out after the first publication."""
        return self.version > 1


def public_story(adaptation: Adaptation) -> PublicStory | None:
    """The story as the public site shows it now, or None when it is not on the site."""
    live = adaptation.live
    if live is None:
        return None
    return PublicStory(
        adaptation=adaptation,
        title=live.title,
        body=live.body,
        version=live.number,
        published_at=adaptation.published_at,
        updated_at=live.published_at,
        corrections=[Correction(v.correction_note, v.published_at) for v in adaptation.versions[1:]],
    )


def published_story(session: Session, adaptation_id: int) -> PublicStory:
    """The story with that id as the public site shows it now (NotFound when it is not on the site)."""
    adaptation = session.get(Adaptation, adaptation_id) if 0 < adaptation_id <= MAX_ID else None
    story = public_story(adaptation) if adaptation is not None else None
    if story is None:
        raise NotFound(
            N_(
                "No published story %(adaptation_id)s: it was never published, or it was unpublished or "
                "withdrawn.",
                adaptation_id=adaptation_id,
            )
        )
    return story


def public_stories(adaptations: list[Adaptation]) -> list[PublicStory]:
    """Each adaptation that is on the site, as the site shows it."""
    return [story for story in map(public_story, adaptations) if story is not None]


def on_site() -> ColumnElement[bool]:
    """SQL: the adaptation has a published version on the public site now (published, or being corrected)."""
    return and_(
        Adaptation.published_at.is_not(None), Adaptation.state.not_in([s.value for s in OFF_SITE_STATES])
    )


def source_current() -> ColumnElement[bool]:
    """SQL (with `Article` joined): the adaptation follows the newest revision of its original."""
    return or_(
        Adaptation.based_on_revision.is_(None), Adaptation.based_on_revision >= Article.current_revision
    )


def record_version(session: Session, adaptation: Adaptation, at: datetime) -> PublishedVersion:
    """Keep the text going out now as the adaptation's next published version (with the round's note), and
    announce it to webhooks: `adaptation.published` for the first version, `adaptation.corrected` after."""
    last_round = adaptation.rounds[-1] if adaptation.rounds else None
    version = PublishedVersion(
        number=len(adaptation.versions) + 1,
        title=adaptation.title,
        body=adaptation.body,
        source_revision=adaptation.based_on_revision,
        published_at=at,
        approved_by_id=last_round.editor_id if last_round else None,
        correction_note=last_round.correction_note if last_round and adaptation.versions else "",
    )
    adaptation.versions.append(version)
    if adaptation.published_at is None:
        adaptation.published_at = at
    event = WebhookEvent.ADAPTATION_PUBLISHED if version.number == 1 else WebhookEvent.ADAPTATION_CORRECTED
    webhooks.announce(session, event, webhooks.adaptation_data(adaptation, version))
    return version


def restore_published_text(adaptation: Adaptation) -> None:
    """A rejected correction: the adaptation's text (and the revision it follows) is the published one again."""
    if not adaptation.versions:
        return
    live = adaptation.versions[-1]
    adaptation.title, adaptation.body = live.title, live.body
    adaptation.based_on_revision = live.source_revision


def correction_holder(adaptation: Adaptation, named: User | None) -> User:
    """Who corrects a published story: the adaptor named, else the one who submitted its last round."""
    if named is not None:
        return named
    last = adaptation.rounds[-1].adaptor if adaptation.rounds else None
    if last is None or not last.active or Role.ADAPTOR not in last.roles:
        raise InvalidInput(
            "assignee",
            N_(
                "The adaptor who adapted this story can no longer adapt; name the adaptor who should "
                "correct it."
            ),
        )
    return last
