"""The public, reader-facing site: published adaptations only, no login.

URL map:
    /news                          public.index    newest first; ?section=…&tag=…&page=…, or ?q=… (search, best
                                                   first, in published text only)
    /news/<id>                     public.short    301 to the canonical article address
    /news/<id>/<slug>              public.article  one published adaptation (301 when the slug is wrong; 410
                                                   once unpublished)
    /news/feed.xml                 public.feed     Atom feed of the newest 50 (same filters as the index)
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from ..domain.states import State
from ..domain.text import paragraphs, reading_minutes, slugify, word_count
from ..extensions import db
from ..models import Adaptation, User, utcnow
from ..services import queries, search
from ..services.errors import InvalidInput
from ..services.publishing import PublicStory, public_stories, public_story
from .templating import absolute_url

bp = Blueprint("public", __name__)

PAGE_SIZE = 20
MAX_PAGE = 10_000
FEED_SIZE = 50
EXCERPT_CHARS = 240
#: Ids above this cannot exist (PostgreSQL `integer`); asking the database would fail instead of 404.
MAX_ID = 2**31 - 1
DEFAULT_PUBLISHER = "Adaptdesk newsroom"

#: Characters that could end a <script> element or start markup, written as JSON escapes instead.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class Teaser:
    """One published adaptation as a list or a feed shows it."""

    adaptation: PublicStory
    url: str
    credit_line: str
    excerpt: str
    reporters: list[str]
    adaptors: list[str]
    #: For a search result: where the words were found, as (text, matched) runs.
    snippet: list[tuple[str, bool]] = field(default_factory=list)


def canonical_slug(adaptation: Adaptation) -> str:
    """The slug of the adaptation's public address (fixed at approval; derived from the title if missing)."""
    return adaptation.slug or slugify(adaptation.title)


def article_url(adaptation: Adaptation, *, external: bool = False) -> str:
    """The canonical public address of a published adaptation (absolute: from ADAPTDESK_PUBLIC_URL)."""
    build = absolute_url if external else url_for
    return build("public.article", adaptation_id=adaptation.id, slug=canonical_slug(adaptation))


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """The first paragraph, cut at a word boundary near `limit` characters."""
    first = next(iter(paragraphs(body)), "")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return cut + "…"


def script_json(data: Any) -> Markup:
    """JSON that is safe as the text of a <script> element: `<`, `>` and `&` become \\u escapes."""
    text = json.dumps(data, ensure_ascii=False)
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


def _filter_arg(name: str) -> str | None:
    """A section or tag from the query string; text with control characters cannot match anything."""
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    if any(unicodedata.category(ch) == "Cc" for ch in value) or len(value) > 200:
        abort(404)
    return value


def _page_arg() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > MAX_PAGE:
        abort(404)
    return page


def _teasers(found: list[Adaptation], *, external: bool = False) -> list[Teaser]:
    teasers = []
    credits_by_id = queries.credits_for_many(db.session, found)
    for adaptation in public_stories(found):
        credits = credits_by_id[adaptation.id]
        teasers.append(
            Teaser(
                adaptation=adaptation,
                url=article_url(adaptation, external=external),
                credit_line=credits.line,
                excerpt=excerpt(adaptation.body),
                reporters=[u.display_name for u in credits.reporters],
                adaptors=[u.display_name for u in credits.adaptors],
            )
        )
    return teasers


def _published_or_404(adaptation_id: int) -> PublicStory:
    adaptation = db.session.get(Adaptation, adaptation_id) if adaptation_id <= MAX_ID else None
    story = public_story(adaptation) if adaptation is not None else None
    if story is None and adaptation is not None and adaptation.state == State.UNPUBLISHED.value:
        abort(410, description="This story was taken down and is no longer published.")
    if story is None:
        abort(404, description="There is no published story at this address.")
    return story


def _index_page_url(filters: dict[str, str], page: int) -> str:
    """The index address for one page (page 1 has no `page` argument)."""
    return url_for("public.index", **filters, **({"page": page} if page > 1 else {}))


def _search_page(query: str, page: int):
    """Published stories matching the words of `query`, best first, a page at a time."""
    try:
        found = search.search_published(db.session, search.parse_query(query), page=page, per_page=PAGE_SIZE)
    except InvalidInput:
        found = None
    if found is not None and page > 1 and not found.hits:
        abort(404, description="There are no more results.")
    hits = found.hits if found else []
    stories = {a.id: a for a in queries.published_by_ids(db.session, [h.adaptation_id for h in hits])}
    teasers = {
        t.adaptation.id: t
        for t in _teasers([stories[h.adaptation_id] for h in hits if h.adaptation_id in stories])
    }
    results = [
        Teaser(**{**t.__dict__, "snippet": h.parts})
        for h in hits
        if (t := teasers.get(h.adaptation_id)) is not None
    ]
    filters = {"q": query}
    more = found is not None and page * PAGE_SIZE < found.total
    return render_template(
        "public/index.html",
        teasers=results,
        query=query,
        total=found.total if found else 0,
        section=None,
        tag=None,
        page=page,
        filters=filters,
        sections=queries.published_sections(db.session),
        newer_url=_index_page_url(filters, page - 1) if page > 1 else None,
        older_url=_index_page_url(filters, page + 1) if more else None,
        feed_url=None,
    )


@bp.get("/news")
def index():
    """Published adaptations, newest first, by section or tag, a page at a time; or those matching `q`."""
    query = _filter_arg("q")
    if query:
        return _search_page(query, _page_arg())
    section, tag, page = _filter_arg("section"), _filter_arg("tag"), _page_arg()
    found = queries.published(
        db.session, section=section, tag=tag, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    if page > 1 and not found:
        abort(404, description="There are no older stories.")
    filters = {k: v for k, v in (("section", section), ("tag", tag)) if v}
    return render_template(
        "public/index.html",
        teasers=_teasers(found[:PAGE_SIZE]),
        section=section,
        tag=tag,
        page=page,
        filters=filters,
        sections=queries.published_sections(db.session),
        newer_url=_index_page_url(filters, page - 1) if page > 1 else None,
        older_url=_index_page_url(filters, page + 1) if len(found) > PAGE_SIZE else None,
        feed_url=url_for("public.feed", **filters),
    )


@bp.get("/news/<int:adaptation_id>")
def short(adaptation_id: int):
    """Send a short address on to the story's canonical address."""
    return redirect(article_url(_published_or_404(adaptation_id)), 301)


@bp.get("/news/<int:adaptation_id>/<slug>")
def article(adaptation_id: int, slug: str):
    """One published adaptation, with its credits, tags, neighbours and related stories."""
    adaptation = _published_or_404(adaptation_id)
    if slug != canonical_slug(adaptation):
        return redirect(article_url(adaptation), 301)
    credits = queries.credits_for(db.session, adaptation.adaptation)
    found = queries.neighbours(db.session, adaptation.adaptation)
    previous, following = (public_story(a) if a else None for a in found)
    related = public_stories(queries.related(db.session, adaptation.adaptation))
    return render_template(
        "public/article.html",
        adaptation=adaptation,
        original=adaptation.article,
        credits=credits,
        body=paragraphs(adaptation.body),
        minutes=reading_minutes(adaptation.body),
        previous=previous,
        following=following,
        related=related,
        url_for_story=article_url,
        canonical_url=article_url(adaptation, external=True),
        description=excerpt(adaptation.body, 160),
        json_ld=script_json(news_article_json_ld(adaptation, credits)),
        sections=queries.published_sections(db.session),
    )


@bp.get("/news/feed.xml")
def feed():
    """An Atom feed of the newest published adaptations (same section and tag filters as the index)."""
    section, tag = _filter_arg("section"), _filter_arg("tag")
    filters = {k: v for k, v in (("section", section), ("tag", tag)) if v}
    teasers = _teasers(
        queries.published(db.session, section=section, tag=tag, limit=FEED_SIZE), external=True
    )
    updated = max((_modified(t.adaptation) for t in teasers), default=utcnow())
    body = render_template(
        "public/feed.xml",
        teasers=teasers,
        updated=updated,
        filters=filters,
        publisher=publisher_name(),
        modified=_modified,
        self_url=absolute_url("public.feed", **filters),
        site_url=absolute_url("public.index", **filters),
    )
    return current_app.response_class(body, mimetype="application/atom+xml")


def publisher_name() -> str:
    """The organisation named as publisher (config `ADAPTDESK_PUBLISHER`, else "Adaptdesk newsroom")."""
    return current_app.config.get("ADAPTDESK_PUBLISHER") or DEFAULT_PUBLISHER


def _modified(adaptation: PublicStory) -> datetime:
    """When the published text last changed (its newest version went out): never before it was published."""
    published = adaptation.published_at
    updated = adaptation.updated_at or published
    return max(published, updated) if published else updated


def _people(users: list[User]) -> list[dict[str, str]]:
    return [{"@type": "Person", "name": u.display_name} for u in users]


def _one_or_many(people: list[dict[str, str]]) -> dict[str, str] | list[dict[str, str]] | None:
    if not people:
        return None
    return people[0] if len(people) == 1 else people


def news_article_json_ld(adaptation: PublicStory, credits: queries.Credits) -> dict[str, Any]:
    """schema.org `NewsArticle` for the story, naming the original it was adapted from."""
    original = adaptation.article
    revision_number = adaptation.based_on_revision or original.current_revision
    revision = original.revision(revision_number) or original.latest
    url = article_url(adaptation, external=True)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": adaptation.title,
        "inLanguage": adaptation.language,
        "datePublished": adaptation.published_at.isoformat(),
        "dateModified": _modified(adaptation).isoformat(),
        "articleSection": original.section,
        "keywords": original.tags,
        "wordCount": word_count(adaptation.body),
        "author": _one_or_many(_people(credits.reporters)),
        "translator": _people(credits.adaptors) or None,
        "editor": _one_or_many(_people(credits.editors)),
        "publisher": {"@type": "Organization", "name": publisher_name()},
        "correction": [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": c.at.isoformat()}
            for c in adaptation.corrections
        ]
        or None,
        "translationOfWork": {
            "@type": "NewsArticle",
            "@id": f"urn:adaptdesk:article:{original.id}:revision:{revision.number}",
            "inLanguage": original.language,
            "headline": revision.title,
        },
    }
    return {key: value for key, value in data.items() if value is not None}
