"""Models turned into the JSON the API sends: plain dicts, no side effects.

Functions that need more than the object in hand take the session and read in bulk (one query per
list, not one per row). Times are ISO 8601 in UTC with a trailing `Z`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from ...domain.languages import text_direction
from ...domain.notifications import Event
from ...domain.priority import DeadlineMark
from ...domain.states import State
from ...domain.text import paragraphs, slugify, word_count
from ...models import (
    Adaptation,
    Article,
    ArticleRevision,
    Draft,
    HistoryEntry,
    PublishedVersion,
    ReviewRound,
    User,
)
from ...services.adaptation_view import AdaptationView
from ...services.memory import Match
from ...services.publishing import PublicStory, public_stories
from ...services.qa import QaResult
from ...services.queries import Credits, credits_for_many
from ..i18n import translate
from ..templating import absolute_url

EXCERPT_CHARS = 240
#: The media type of an IPTC ninjs document (what `Accept` asks for and the answer is sent as).
NINJS = "application/ninjs+json"
#: The ninjs version the documents follow (its schema is vendored in tests/schemas/ninjs).
NINJS_STANDARD = {
    "name": "ninjs",
    "version": "2.2",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json",
}


def iso(value: datetime | None) -> str | None:
    """A time as ISO 8601 in UTC (`2026-01-31T09:00:00Z`), or None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def person_json(user: User | None) -> dict[str, str] | None:
    """A person as others see them: `{username, name}`, or None (the system, or nobody)."""
    return {"username": user.username, "name": user.display_name} if user is not None else None


def me_json(user: User) -> dict[str, Any]:
    """The caller: username, display name and roles."""
    return {
        "username": user.username,
        "name": user.display_name,
        "roles": sorted(r.value for r in user.roles),
        "must_change_password": user.must_change_password,
        "email": user.email,
        "language_pairs": user.language_pairs.split(),
        "mail_events": [e.value for e in Event if e.value not in user.mail_muted.split()],
        "mail_digest": user.mail_digest,
        "interface_language": user.interface_language,
    }


def public_url(adaptation: Adaptation) -> str | None:
    """The absolute address of the published page, or None while not on the site (or without a public site)."""
    if not adaptation.on_site:
        return None
    try:
        return absolute_url(
            "public.article", adaptation_id=adaptation.id, slug=adaptation.slug or slugify(adaptation.title)
        )
    except BuildError:
        return None


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """The first paragraph, cut at a word boundary near `limit` characters."""
    first = next(iter(paragraphs(body)), "")
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.-–—") + "…"


# --- originals ---------------------------------------------------------------------------------------


def revision_json(revision: ArticleRevision) -> dict[str, Any]:
    """One revision of an original, without its body."""
    return {
        "number": revision.number,
        "title": revision.title,
        "note": revision.note,
        "at": iso(revision.created_at),
        "author": person_json(revision.author),
    }


def article_json(article: Article) -> dict[str, Any]:
    """An original with its newest text, its revisions and its adaptations."""
    latest = article.latest
    return {
        "id": article.id,
        "title": latest.title,
        "body": latest.body,
        "language": article.language,
        "direction": text_direction(article.language),
        "section": article.section,
        "tags": article.tags,
        "reporter": person_json(article.reporter),
        "revision": article.current_revision,
        "revisions": [revision_json(r) for r in article.revisions],
        "adaptations": [
            {"id": a.id, "language": a.language, "state": a.state, "url": public_url(a)}
            for a in article.adaptations
        ],
        "created_at": iso(article.created_at),
        "updated_at": iso(article.updated_at),
    }


# --- adaptations -------------------------------------------------------------------------------------


def draft_json(draft: Draft | None, tm: dict[int, list[Match]] | None = None) -> dict[str, Any] | None:
    """The machine-translation draft: where it stands, its text and its segments (with memory matches in `tm`)."""
    if draft is None:
        return None
    tm = tm or {}
    return {
        "id": draft.id,
        "state": draft.state,
        "revision": draft.revision_number,
        "model": draft.model or None,
        "progress": {"done": draft.segments_done, "total": draft.segments_total},
        "error": draft.error or None,
        "error_code": draft.error_code or None,
        "title": draft.title,
        "body": draft.body,
        "segments": [
            {
                "index": s.index,
                "paragraph": s.paragraph,
                "source": s.source,
                "mt": s.mt,
                "origin": s.origin,
                "tm": [m.as_json() for m in tm.get(s.index, [])],
            }
            for s in draft.segments
        ],
    }


def progress_json(adaptation: Adaptation) -> dict[str, Any]:
    """Where the adaptation and its newest draft stand: all a page polling for the draft needs, cheaply."""
    draft = adaptation.draft
    return {
        "id": adaptation.id,
        "state": adaptation.state,
        "version": adaptation.version,
        "draft": None
        if draft is None
        else {
            "id": draft.id,
            "state": draft.state,
            "revision": draft.revision_number,
            "progress": {"done": draft.segments_done, "total": draft.segments_total},
            "error": draft.error or None,
            "error_code": draft.error_code or None,
        },
    }


def history_entry_json(entry: HistoryEntry) -> dict[str, Any]:
    """One step of an adaptation's history; `actor` is None for steps the system took."""
    return {
        "action": entry.action,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "actor": person_json(entry.actor),
        "at": iso(entry.at),
        "comment": entry.comment,
        "details": entry.details or {},
    }


def round_json(round_: ReviewRound) -> dict[str, Any]:
    """One submission for review and the editor's decision on it."""
    return {
        "number": round_.number,
        "adaptor": person_json(round_.adaptor),
        "submitted_at": iso(round_.submitted_at),
        "source_revision": round_.source_revision,
        "decision": round_.decision,
        "editor": person_json(round_.editor),
        "decided_at": iso(round_.decided_at),
        "comment": round_.comment,
        "correction_note": round_.correction_note or None,
    }


def version_json(version: PublishedVersion) -> dict[str, Any]:
    """One published version: its number, when it went out, who approved it, and its correction note."""
    return {
        "number": version.number,
        "published_at": iso(version.published_at),
        "approved_by": person_json(version.approved_by),
        "correction_note": version.correction_note or None,
        "source_revision": version.source_revision,
        "title": version.title,
        "body": version.body,
    }


def story_json(story: PublicStory | None) -> dict[str, Any] | None:
    """What the public site shows of a story (None when it is not on the site)."""
    if story is None:
        return None
    return {
        "version": story.version,
        "title": story.title,
        "body": story.body,
        "published_at": iso(story.published_at),
        "updated_at": iso(story.updated_at),
        "corrections": [{"text": c.text, "at": iso(c.at)} for c in story.corrections],
    }


def qa_json(results: list[QaResult]) -> list[dict[str, Any]]:
    """QA findings, `message` in the reader's language (`check`, `severity` and `key` the same in every
    language); `overridden` is null unless an editor overrode the finding (then: reason, editor, at)."""
    return [
        {
            "check": r.check,
            "severity": r.severity,
            "key": r.key,
            "message": translate(r.message),
            "overridden": None
            if r.override is None
            else {
                "reason": r.override.reason,
                "editor": person_json(r.override.editor),
                "at": iso(r.override.at),
            },
        }
        for r in results
    ]


def public_adaptation_json(view: AdaptationView) -> dict[str, Any]:
    """A published story for a reader who did not work on it: the public fields only."""
    adaptation, story = view.adaptation, view.story
    return {
        "id": adaptation.id,
        "language": adaptation.language,
        "direction": text_direction(adaptation.language),
        "state": State.PUBLISHED.value if story else adaptation.state,
        "title": story.title if story else "",
        "body": story.body if story else "",
        "section": adaptation.article.section,
        "tags": adaptation.article.tags,
        "published": story_json(story),
        "published_at": iso(adaptation.published_at),
        "credits": view.credits.as_list(),
        "credit_line": view.credits.line,
        "url": public_url(adaptation),
        "actions": view.actions,
    }


def urgency_json(adaptation: Adaptation, now: datetime | None = None) -> dict[str, Any]:
    """How urgent the adaptation is, when it is due, and whether that is past or within the hour."""
    mark = adaptation.deadline_mark(now)
    return {
        "priority": adaptation.priority,
        "deadline": iso(adaptation.deadline),
        "overdue": mark is DeadlineMark.OVERDUE,
        "due_soon": mark is DeadlineMark.DUE_SOON,
    }


def adaptation_json(view: AdaptationView) -> dict[str, Any]:
    """Everything about one adaptation that an API client needs, as the reader may act on it (once it is
    published, the public fields only for a reader who neither worked on it nor edits)."""
    if not view.workings:
        return public_adaptation_json(view)
    adaptation = view.adaptation
    article = adaptation.article
    source = article.latest
    return {
        "id": adaptation.id,
        "article_id": adaptation.article_id,
        "language": adaptation.language,
        "direction": text_direction(adaptation.language),
        "state": adaptation.state,
        "version": adaptation.version,
        "title": adaptation.title,
        "body": adaptation.body,
        "holder": person_json(adaptation.holder),
        **urgency_json(adaptation),
        "source_changed": adaptation.source_changed,
        "source_revision": adaptation.based_on_revision,
        "original_revision": article.current_revision,
        "based_on_revision": adaptation.based_on_revision,
        "source": {
            "language": article.language,
            "direction": text_direction(article.language),
            "revision": source.number,
            "title": source.title,
            "body": source.body,
            "section": article.section,
            "tags": article.tags,
            "reporter": person_json(article.reporter),
        },
        "draft": draft_json(view.draft, view.matches(view.draft)),
        "rounds": [round_json(r) for r in adaptation.rounds],
        "credits": view.credits.as_list(),
        "credit_line": view.credits.line,
        "history": [history_entry_json(e) for e in view.history],
        "publish_at": iso(adaptation.publish_at),
        "published_at": iso(adaptation.published_at),
        "created_at": iso(adaptation.created_at),
        "updated_at": iso(adaptation.updated_at),
        "url": public_url(adaptation),
        "published": story_json(view.story),
        "versions": len(adaptation.versions),
        "actions": view.actions,
        "can_edit": view.can_edit,
        "effort": view.effort.to_json(),
        "qa": qa_json(view.qa),
    }


def source_titles(session: Session, adaptations: list[Adaptation]) -> dict[int, str]:
    """The newest title of each adaptation's original, by article id, in one query."""
    article_ids = {a.article_id for a in adaptations}
    if not article_ids:
        return {}
    rows = session.execute(
        select(ArticleRevision.article_id, ArticleRevision.title)
        .join(Article, Article.id == ArticleRevision.article_id)
        .where(Article.id.in_(article_ids), ArticleRevision.number == Article.current_revision)
    )
    return dict(rows.all())


def queue_item_json(adaptation: Adaptation, source_title: str) -> dict[str, Any]:
    """One line of a work list: enough to pick the next job without opening it."""
    article = adaptation.article
    draft = adaptation.draft
    return {
        "id": adaptation.id,
        "article_id": adaptation.article_id,
        "language": adaptation.language,
        "state": adaptation.state,
        "version": adaptation.version,
        "title": adaptation.title,
        "source_title": source_title,
        "source_language": article.language,
        "section": article.section,
        "reporter": person_json(article.reporter),
        "holder": person_json(adaptation.holder),
        **urgency_json(adaptation),
        "source_changed": adaptation.source_changed,
        "source_revision": adaptation.based_on_revision,
        "original_revision": article.current_revision,
        "draft": None
        if draft is None
        else {"state": draft.state, "progress": {"done": draft.segments_done, "total": draft.segments_total}},
        "created_at": iso(adaptation.created_at),
        "updated_at": iso(adaptation.updated_at),
    }


def queue_json(session: Session, adaptations: list[Adaptation]) -> list[dict[str, Any]]:
    """A work list; the originals' titles are read in one query."""
    titles = source_titles(session, adaptations)
    return [queue_item_json(a, titles.get(a.article_id, "")) for a in adaptations]


def published_item_json(story: PublicStory, credits: Credits) -> dict[str, Any]:
    """One story on the public site as the public list shows it (its published text, never a correction
    in progress)."""
    article = story.article
    return {
        "id": story.id,
        "language": story.language,
        "direction": text_direction(story.language),
        "title": story.title,
        "excerpt": excerpt(story.body),
        "body": story.body,
        "section": article.section,
        "tags": article.tags,
        "source_language": article.language,
        "published_at": iso(story.published_at),
        "updated_at": iso(story.updated_at),
        "version": story.version,
        "credit_line": credits.line,
        "credits": credits.as_list(),
        "url": public_url(story.adaptation),
    }


def published_json(session: Session, adaptations: list[Adaptation]) -> list[dict[str, Any]]:
    """The public list; credits are read in one query."""
    credits = credits_for_many(session, adaptations)
    return [published_item_json(story, credits[story.id]) for story in public_stories(adaptations)]


def ninjs_json(story: PublicStory, credits: Credits) -> dict[str, Any]:
    """A published story as an IPTC ninjs 2.2 news item: its published text (never a correction in progress),
    the credit line as `by`, the people credited with their roles, tags as subjects, and the original it
    was adapted from as an alternative id and an association."""
    article = story.article
    body = story.body
    item: dict[str, Any] = {
        "uri": absolute_url("api.show_published", adaptation_id=story.id),
        "standard": NINJS_STANDARD,
        "type": "text",
        "profile": "adaptdesk-adaptation",
        "version": str(story.version),
        "firstcreated": iso(story.published_at),
        "versioncreated": iso(story.updated_at),
        "pubstatus": "usable",
        "language": story.language,
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": story.title}],
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/plain",
                "charcount": len(body),
                "wordcount": word_count(body),
                "value": body,
            }
        ],
        "by": credits.line,
        "people": [
            {"name": credit["name"], "rel": credit["role"], "literal": credit["username"]}
            for credit in credits.as_list()
        ],
        "subjects": [{"name": tag, "rel": "tag", "literal": tag} for tag in article.tags],
        "altids": [
            {"role": "adaptdesk-adaptation", "value": str(story.id)},
            {"role": "original", "value": f"adaptdesk-article:{article.id}"},
        ],
        "associations": [
            {
                "name": "original",
                "uri": absolute_url("api.show_article", article_id=article.id),
                "type": "text",
                "language": article.language,
            }
        ],
    }
    page = public_url(story.adaptation)
    if page:
        item["altids"].append({"role": "url", "value": page})
    if story.corrections:
        item["descriptions"] = [
            {"role": "correction", "contenttype": "text/plain", "value": c.text}
            for c in story.corrections
            if c.text
        ]
    return item
