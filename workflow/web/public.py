"""The public, reader-facing site: published adaptations only, no login.

URL map:
    /news                          public.index    newest first; ?section=…&tag=…&page=…, or ?q=… (search, best
                                                   first, in published text only)
    /news/<id>                     public.short    301 to the canonical article address
    /news/<id>/<slug>              public.article  one published adaptation (301 when the slug is wrong; 410
                                                   once unpublished)
    /news/feed.xml                 public.feed     Atom feed of the newest 50 (same filters as the index)
    /people/<slug>                 public.person   the stories a person reported or adapted (301 to the
                                                   canonical slug; 404 for anyone with no byline on the site)
    /robots.txt                    public.robots   desk, admin, login and API disallowed; names the sitemaps
    /sitemap.xml                   public.sitemap  the index, sections, people and every story on the site
    /news-sitemap.xml              public.news_sitemap  Google News sitemap: stories of the last two days

Public pages are cacheable (`Cache-Control: public`, `ETag`, 304) for visitors without a login, and never
set a cookie.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext
from markupsafe import Markup, escape

from ..domain.messages import N_
from ..domain.states import Role, State
from ..domain.text import paragraphs, reading_minutes, slugify, word_count
from ..domain.views import high_views
from ..extensions import db
from ..models import Adaptation, LeadImage, User, utcnow
from ..services import queries, search
from ..services.errors import InvalidInput
from ..services.images import image_path, lead_image_for
from ..services.publishing import PublicStory, public_stories, public_story
from .i18n import localized_language_name
from .page_cache import kept_for_visitors
from .paging import page_links
from .story_views import count_view, story_views_last_week
from .templating import absolute_url

bp = Blueprint("public", __name__)

MOST_READ = 5

PAGE_SIZE = 20
MAX_PAGE = 10_000
FEED_SIZE = 50
EXCERPT_CHARS = 240
#: Ids above this cannot exist (PostgreSQL `integer`); asking the database would fail instead of 404.
MAX_ID = 2**31 - 1
DEFAULT_PUBLISHER = "Adaptdesk newsroom"
#: The logo shipped with Adaptdesk (static path), named as publisher logo unless ADAPTDESK_PUBLISHER_LOGO is set.
DEFAULT_LOGO = "img/publisher-logo.png"
#: How long browsers and shared caches may keep a public page without asking again (then a 304 is cheap).
PAGE_MAX_AGE = 60
#: Sitemaps and robots.txt change slowly; crawlers may keep them longer.
CRAWLER_MAX_AGE = 300
#: schema.org headlines longer than this are not shown in Google's rich results.
HEADLINE_MAX_CHARS = 110
#: How far back the Google News sitemap reaches (Google reads only the last two days' stories from it).
NEWS_SITEMAP_WINDOW = timedelta(days=2)
SITEMAP_MAX_URLS = 50_000
#: A people page address: a slug of the name, then the person's id (names are not unique and may change).
#: A picture rendition's name: its random token and width.
IMAGE_TOKEN = re.compile(r"[0-9a-f]{32}")
#: Picture files never change (a new picture gets a new token): caches may keep them for a year.
IMAGE_MAX_AGE = 365 * 86400
#: The `sizes` of a story's lead picture: the text column's width, or the screen's on a phone.
IMAGE_SIZES = "(max-width: 42rem) 100vw, 42rem"
PERSON_SLUG = re.compile(r"(?:[a-z0-9-]*-)?(\d{1,10})")

#: Characters that could end a <script> element or start markup, written as JSON escapes instead.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def has_login() -> bool:
    """Whether the request carries a login (a session cookie naming a person, or an API token)."""
    return bool(request.authorization) or "_user_id" in session


#: Lists served again from the page cache to visitors without a login, for as long as shared caches keep them.
kept_for_visitors_a_minute = kept_for_visitors(PAGE_MAX_AGE, lambda: not has_login())


@bp.after_request
def cache_for_visitors(response):
    """Let browsers and shared caches keep public pages for visitors without a login, and answer 304 when
    the page has not changed; a logged-in person's copy stays private (the app default, no-store)."""
    if request.endpoint == "public.image":
        return response  # its own long cache header
    if request.method in ("GET", "HEAD") and response.status_code == 200 and not has_login():
        max_age = CRAWLER_MAX_AGE if request.endpoint in CRAWLER_ENDPOINTS else PAGE_MAX_AGE
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
        response.add_etag()
        response.make_conditional(request)
    return response


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


def person_slug(person: User) -> str:
    """The slug of a person's public page: their name as ASCII words, then their id."""
    return f"{slugify(person.display_name, 60, fallback='person')}-{person.id}"


def person_url(person: User, *, external: bool = False) -> str:
    """The address of a person's public page (absolute: from ADAPTDESK_PUBLIC_URL)."""
    build = absolute_url if external else url_for
    return build("public.person", slug=person_slug(person))


def share_links(url: str, title: str) -> list[tuple[str, str, str]]:
    """Plain share links, as (name, css class, href): no third-party script runs on the page."""
    text = quote(title, safe="")
    return [
        ("X", "x", "https://x.com/intent/tweet?" + urlencode({"url": url, "text": title})),
        ("Facebook", "facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("WhatsApp", "whatsapp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
        ("Telegram", "telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        (
            "LinkedIn",
            "linkedin",
            "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        ),
        (gettext("E-mail"), "email", f"mailto:?subject={text}&body={quote(url, safe='')}"),
    ]


def short_headline(title: str, limit: int = HEADLINE_MAX_CHARS) -> str:
    """The title as a structured-data headline: at most `limit` characters, cut at a word with "…"."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return (cut or title[: limit - 1]) + "…"


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
    for char, code in _SCRIPT_ESCAPES.items():
        text = text.replace(char, code)
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
        abort(410, description=N_("This story was taken down and is no longer published."))
    if story is None:
        abort(404, description=N_("There is no published story at this address."))
    return story


def _most_read(views: dict[int, int], limit: int = MOST_READ) -> list[PublicStory]:
    """The most read stories on the site over the last seven days."""
    ranked = sorted(views, key=lambda story_id: (-views[story_id], -story_id))
    found = []
    for story_id in ranked:
        adaptation = db.session.get(Adaptation, story_id)
        story = public_story(adaptation) if adaptation is not None else None
        if story is not None:
            found.append(story)
        if len(found) == limit:
            break
    return found


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
        abort(404, description=N_("There are no more results."))
    hits = found.hits if found else []
    ids = [h.adaptation_id for h in hits]
    stories = {a.id: a for a in queries.published_by_ids(db.session, ids, queries.teaser_loads())}
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
        most_read=None,
        url_for_story=article_url,
    )


@bp.get("/news")
@kept_for_visitors_a_minute
def index():
    """Published adaptations, newest first, by section or tag, a page at a time; or those matching `q`."""
    query = _filter_arg("q")
    if query:
        return _search_page(query, _page_arg())
    section, tag, page = _filter_arg("section"), _filter_arg("tag"), _page_arg()
    sections = queries.published_sections(db.session)
    if section and section not in sections:
        abort(404, description=N_("There is no section of that name on the site."))
    if tag and not queries.tag_on_site(db.session, tag):
        abort(404, description=N_("No story on the site carries that tag."))
    found = queries.published(
        db.session,
        section=section,
        tag=tag,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
        loads=queries.teaser_loads(),
    )
    if page > 1 and not found:
        abort(404, description=N_("There are no older stories."))
    filters = {k: v for k, v in (("section", section), ("tag", tag)) if v}
    return render_template(
        "public/index.html",
        teasers=_teasers(found[:PAGE_SIZE]),
        section=section,
        tag=tag,
        page=page,
        filters=filters,
        sections=sections,
        canonical_url=absolute_url("public.index", **filters, **({"page": page} if page > 1 else {})),
        newer_url=_index_page_url(filters, page - 1) if page > 1 else None,
        older_url=_index_page_url(filters, page + 1) if len(found) > PAGE_SIZE else None,
        feed_url=url_for("public.feed", **filters),
        most_read=_most_read(story_views_last_week()),
        url_for_story=article_url,
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
    g.page_language = adaptation.language  # its labels ("min read", "Next", the byline) in its language
    if request.method == "GET":
        count_view(adaptation.id)
    credits = queries.credits_for(adaptation.adaptation)
    found = queries.neighbours(db.session, adaptation.adaptation)
    previous, following = (public_story(a) if a else None for a in found)
    related = public_stories(queries.related(db.session, adaptation.adaptation))
    canonical_url = article_url(adaptation, external=True)
    picture = picture_of(adaptation.adaptation)
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
        canonical_url=canonical_url,
        description=excerpt(adaptation.body, 160),
        json_ld=script_json(news_article_json_ld(adaptation, credits, picture)),
        sections=queries.published_sections(db.session),
        person_url=person_url,
        picture=picture,
        share_links=share_links(canonical_url, adaptation.title),
        social=social_card(adaptation, credits, picture),
        high_views=adaptation.id in high_views(story_views_last_week()),
    )


@bp.get("/news/feed.xml")
@kept_for_visitors_a_minute
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
        content_html=_content_html,
        pictures={t.adaptation.id: picture_of(t.adaptation.adaptation) for t in teasers},
        tags_of=_distinct_tags,
        section_scheme=absolute_url("public.index") + "?section=",
        tag_scheme=absolute_url("public.index") + "?tag=",
        self_url=absolute_url("public.feed", **filters),
        site_url=absolute_url("public.index", **filters),
    )
    return current_app.response_class(body, mimetype="application/atom+xml")


@bp.get("/images/<token>-<int:width>.jpg")
def image(token: str, width: int):
    """One rendition of a lead picture, cached for a year (its address changes when the picture does)."""
    path = image_path(current_app.config["ADAPTDESK"].data_dir / "images", token, width)
    if not IMAGE_TOKEN.fullmatch(token) or not path.is_file():
        abort(404, description=N_("There is no picture at this address."))
    response = send_file(path, mimetype="image/jpeg", conditional=True, etag=True)
    response.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}, immutable"
    return response


@dataclass(frozen=True)
class Picture:
    """A lead picture as pages, metadata and the feed show it."""

    image: LeadImage
    src: str  #: the largest rendition (absolute)
    srcset: str
    sizes: str
    length: int  #: bytes of the largest rendition (the feed's enclosure)

    def ld(self) -> dict[str, Any]:
        """schema.org `ImageObject` with the photographer's credit."""
        data: dict[str, Any] = {
            "@type": "ImageObject",
            "url": self.src,
            "contentUrl": self.src,
            "width": self.image.width,
            "height": self.image.height,
            "caption": self.image.caption or None,
            "description": self.image.alt,
            "creditText": self.image.credit or None,
            "creator": {"@type": "Person", "name": self.image.credit} if self.image.credit else None,
        }
        return {k: v for k, v in data.items() if v is not None}


def picture_of(adaptation: Adaptation) -> Picture | None:
    """The story's lead picture (its own, else its original's), with its addresses."""
    found = lead_image_for(db.session, adaptation)
    if found is None:
        return None
    urls = {w: absolute_url("public.image", token=found.token, width=w) for w in found.rendition_widths}
    largest = max(urls)
    path = image_path(current_app.config["ADAPTDESK"].data_dir / "images", found.token, largest)
    return Picture(
        image=found,
        src=urls[largest],
        srcset=", ".join(f"{url} {w}w" for w, url in urls.items()),
        sizes=IMAGE_SIZES,
        length=path.stat().st_size if path.is_file() else 0,
    )


@bp.get("/people/<slug>")
@kept_for_visitors_a_minute
def person(slug: str):
    """The stories a person reported or adapted, newest first, with their role in each."""
    match = PERSON_SLUG.fullmatch(slug)
    found = db.session.get(User, int(match.group(1))) if match and int(match.group(1)) <= MAX_ID else None
    number = _page_arg()
    page, stories = queries.credited_stories(db.session, found.id, number, PAGE_SIZE) if found else (None, [])
    if page is None or not page.total:
        abort(404, description=N_("There is no one with published stories at this address."))
    if not stories:
        abort(404, description=N_("There are no older stories."))
    if slug != person_slug(found):
        return redirect(url_for("public.person", slug=person_slug(found), **request.args), 301)
    credits_by_id = queries.credits_for_many(db.session, [a for a, _ in stories])
    listed = [
        (story, roles, credits_by_id[story.id])
        for (adaptation, roles) in stories
        if (story := public_story(adaptation)) is not None
    ]
    return render_template(
        "public/person.html",
        person=found,
        stories=listed,
        page=page,
        links=page_links(page),
        role_label=role_label,
        url_for_story=article_url,
        canonical_url=absolute_url(
            "public.person", slug=person_slug(found), **({"page": number} if number > 1 else {})
        ),
        sections=queries.published_sections(db.session),
        json_ld=script_json(
            {
                "@context": "https://schema.org",
                "@type": "ProfilePage",
                "url": person_url(found, external=True),
                "mainEntity": _person_ld(found),
            }
        ),
    )


def role_label(role: str, language: str) -> str:
    """A role as a people page prints it: "Reporter", "English adaptation"."""
    if role == Role.REPORTER.value:
        return gettext("Reporter")
    return gettext("%(language)s adaptation", language=localized_language_name(language))


#: Endpoints crawlers read (cached longer, never noindex).
CRAWLER_ENDPOINTS = ("public.robots", "public.sitemap", "public.news_sitemap")


@bp.get("/robots.txt")
def robots():
    """Tell crawlers to keep out of the newsroom (desk, admin, login, API) and where the sitemaps are."""
    private = sorted(
        {
            "/" + rule.rule.split("/")[1]
            for rule in current_app.url_map.iter_rules()
            if rule.endpoint != "static"
            and not rule.endpoint.startswith("public.")
            and rule.rule.split("/")[1]
            and "<" not in rule.rule.split("/")[1]
        }
    )
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in private), "Allow: /", ""]
    lines += [
        f"Sitemap: {absolute_url('public.sitemap')}",
        f"Sitemap: {absolute_url('public.news_sitemap')}",
        "",
    ]
    return current_app.response_class("\n".join(lines), mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    """Every public address worth indexing: the index, each section, each byline and each story."""
    stories = public_stories(queries.published(db.session, limit=SITEMAP_MAX_URLS))
    credits = queries.credits_for_many(db.session, [s.adaptation for s in stories])
    people: dict[int, User] = {}
    for story in stories:
        for person in credits[story.id].reporters + credits[story.id].adaptors:
            people.setdefault(person.id, person)
    newest = max((_modified(s) for s in stories), default=None)
    entries = [(absolute_url("public.index"), newest)]
    entries += [
        (absolute_url("public.index", section=name), None) for name in queries.published_sections(db.session)
    ]
    entries += [(person_url(p, external=True), None) for p in people.values()]
    entries += [(article_url(s, external=True), _modified(s)) for s in stories]
    body = render_template("public/sitemap.xml", entries=entries[:SITEMAP_MAX_URLS])
    return current_app.response_class(body, mimetype="application/xml")


@bp.get("/news-sitemap.xml")
def news_sitemap():
    """A Google News sitemap: the stories first published in the last two days."""
    stories = public_stories(queries.published_since(db.session, utcnow() - NEWS_SITEMAP_WINDOW))
    body = render_template(
        "public/news-sitemap.xml",
        stories=[(article_url(s, external=True), s) for s in stories],
        publisher=publisher_name(),
    )
    return current_app.response_class(body, mimetype="application/xml")


def publisher_name() -> str:
    """The organisation named as publisher (config `ADAPTDESK_PUBLISHER`, else "Adaptdesk newsroom")."""
    return current_app.config.get("ADAPTDESK_PUBLISHER") or DEFAULT_PUBLISHER


def _modified(adaptation: PublicStory) -> datetime:
    """When the published text last changed (its newest version went out): never before it was published."""
    published = adaptation.published_at
    updated = adaptation.updated_at or published
    return max(published, updated) if published else updated


def publisher_logo_url() -> str:
    """The publisher's logo as an absolute address (config `ADAPTDESK_PUBLISHER_LOGO`, else the shipped one)."""
    settings = current_app.config["ADAPTDESK"]
    logo = settings.publisher_logo
    if not logo:
        return absolute_url("static", filename=DEFAULT_LOGO)
    return settings.public_url + logo if logo.startswith("/") else logo


def publisher_ld() -> dict[str, Any]:
    """schema.org `Organization` of the publisher, with its logo and address."""
    return {
        "@type": "Organization",
        "name": publisher_name(),
        "url": absolute_url("public.index"),
        "logo": {"@type": "ImageObject", "url": publisher_logo_url()},
    }


def _content_html(body: str) -> str:
    """The story's full text as HTML paragraphs (a plain string: the feed escapes it once more)."""
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs(body))


def _distinct_tags(tags: list[str]) -> list[str]:
    """Tags without repeats (compared case-insensitively), in their order."""
    seen: set[str] = set()
    return [t for t in tags if not (t.casefold() in seen or seen.add(t.casefold()))]


def social_card(adaptation: PublicStory, credits: queries.Credits, picture: Picture | None) -> dict[str, Any]:
    """The Open Graph and Twitter card fields of a story page."""
    return {
        "title": adaptation.title,
        "url": article_url(adaptation, external=True),
        "description": excerpt(adaptation.body, 200),
        "image": picture.src if picture else publisher_logo_url(),
        "image_alt": picture.image.alt if picture else publisher_name(),
        "image_size": (picture.image.width, picture.image.height) if picture else None,
        "site_name": publisher_name(),
        "published": adaptation.published_at.isoformat(),
        "modified": _modified(adaptation).isoformat(),
        "authors": [person_url(p, external=True) for p in credits.reporters + credits.adaptors],
        "section": adaptation.article.section,
        "tags": _distinct_tags(adaptation.article.tags),
    }


def _person_ld(user: User) -> dict[str, str]:
    return {"@type": "Person", "name": user.display_name, "url": person_url(user, external=True)}


def _people(users: list[User], *, linked: bool = True) -> list[dict[str, str]]:
    if linked:
        return [_person_ld(u) for u in users]
    return [{"@type": "Person", "name": u.display_name} for u in users]


def _one_or_many(people: list[dict[str, str]]) -> dict[str, str] | list[dict[str, str]] | None:
    if not people:
        return None
    return people[0] if len(people) == 1 else people


def news_article_json_ld(
    adaptation: PublicStory, credits: queries.Credits, picture: Picture | None = None
) -> dict[str, Any]:
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
        "headline": short_headline(adaptation.title),
        "name": adaptation.title,
        "description": excerpt(adaptation.body, 160),
        # Without a lead picture, the publisher's logo stands in (search engines want an image).
        "image": [picture.ld()] if picture else [publisher_logo_url()],
        "inLanguage": adaptation.language,
        "datePublished": adaptation.published_at.isoformat(),
        "dateModified": _modified(adaptation).isoformat(),
        "articleSection": original.section,
        "keywords": original.tags,
        "wordCount": word_count(adaptation.body),
        "author": _one_or_many(_people(credits.reporters)),
        "translator": _people(credits.adaptors) or None,
        "editor": _one_or_many(_people(credits.editors, linked=False)),
        "publisher": publisher_ld(),
        "correction": [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": c.at.isoformat()}
            for c in adaptation.corrections
        ]
        or None,
        # The original keeps one @id across its revisions (so every version of the adaptation names the same
        # work); `version` says which revision this text follows.
        "translationOfWork": {
            "@type": "NewsArticle",
            "@id": f"urn:adaptdesk:article:{original.id}",
            "version": revision.number,
            "inLanguage": original.language,
            "headline": short_headline(revision.title),
        },
    }
    return {key: value for key, value in data.items() if value is not None}
