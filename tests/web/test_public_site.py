"""The public site through the test client: only published stories, credits, JSON-LD, safe output."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.factories import drive, limits, make_article, make_user
from workflow.domain.states import Role, State
from workflow.domain.text import reading_minutes
from workflow.extensions import db
from workflow.models import Adaptation, User
from workflow.services.adaptations import perform_action, save_adaptation

UTC = UTC
SEED_TIME = datetime(2024, 6, 19, 13, 25, tzinfo=UTC)
SEED_TITLE = "Putin's Historic Visit to North Korea: Strengthening Military Ties and Strategic Alliances"
SEED_ORIGINAL_TITLE = "زيارة بوتين التاريخية إلى كوريا الشمالية: تعزيز الروابط العسكرية"
SEED_PARAGRAPHS = [
    (
        "With Russian flags and welcoming banners, Pyongyang greeted Russian President Vladimir Putin, who "
        "arrived in North Korea for a first of its kind visit in 24 years. The visit was described as "
        "eventful by North Korean leader Kim Jong Un's assistant, who signed a new strategic partnership "
        "agreement with Putin."
    ),
    (
        "Through this agreement, Putin aims to secure arms supplies from North Korea to bolster the "
        "capabilities of the Russian military, signaling Moscow's desire to strengthen its international "
        "alliances against the West. This move represents the clearest evidence of Moscow's intention to ally"
        " with Pyongyang, despite previously supporting international sanctions against North Korea due to "
        "its nuclear and missile programs."
    ),
    (
        "With this visit, Putin aims to achieve three objectives with one move. The first is to secure "
        "military support to meet the needs created by the war in Ukraine. The second is to reduce Russia's "
        "international isolation by building new alliances with countries opposing Western dominance. The "
        "third is to balance power, as Putin believes that strengthening ties with North Korea can enhance "
        "Russia's negotiating position against the West, especially under the current sanctions."
    ),
    (
        "The most urgent goal for Putin is military support. North Korea is one of the largest producers of "
        "conventional weapons in the world. Despite international sanctions, Pyongyang has a substantial "
        "stockpile of weapons and ammunition that could significantly boost Russia's military capabilities. "
        "Observers note that Pyongyang has already sent millions of rounds of conventional ammunition to "
        "Moscow, along with multi-use missiles."
    ),
    (
        "Naturally, this visit has alarmed both allies and adversaries, including South Korea, North Korea's "
        "arch-enemy, as well as the United States and its allies. They have expressed concerns about "
        "deepening ties between Moscow and Pyongyang, with Washington warning of additional sanctions on "
        "North Korea if it is found to be providing military support to Moscow."
    ),
]
#: The seed's five paragraphs run to 299 words; twice over they make the page's "3 min" at 200 words a minute.
SEED_BODY = "\n\n".join(SEED_PARAGRAPHS * 2)
SEED_TAGS = ["Putin", "Russia", "North Korea"]
SEED_CREDIT = "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"

XSS_SCRIPT = "</script><script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"

#: The only script elements public pages carry: data, and the site's own share script (script-src 'self').
ALLOWED_SCRIPTS = {'<script type="application/ld+json">', '<script src="/static/js/share.js" defer>'}
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def publish(
    title: str,
    body: str = "First paragraph.\n\nSecond paragraph.",
    *,
    at: datetime | None = None,
    reporter: User | None = None,
    adaptor: User | None = None,
    editor: User | None = None,
    section: str = "News",
    tags: list[str] | None = None,
    source_language: str = "ar",
    language: str = "en",
    original_title: str = "عنوان",
) -> Adaptation:
    """An original adapted, submitted and approved through the real services, published at `at`."""
    article = make_article(
        reporter,
        title=original_title,
        language=source_language,
        section=section,
        tags=tags or [],
        targets=[language],
    )
    adaptation = article.adaptations[0]
    adaptor = adaptor or make_user(Role.ADAPTOR)
    drive(adaptation, State.IN_ADAPTATION, adaptor=adaptor)
    save_adaptation(
        db.session, adaptor, adaptation, title=title, body=body, version=adaptation.version, limits=limits()
    )
    perform_action(db.session, adaptor, adaptation, "submit")
    perform_action(
        db.session, editor or make_user(Role.EDITOR), adaptation, "approve", now=at or datetime.now(UTC)
    )
    db.session.commit()
    assert adaptation.state == State.PUBLISHED.value
    return adaptation


def unpublished(state: State, title: str) -> Adaptation:
    """An adaptation driven to `state` (not published) whose text carries `title` where it can."""
    adaptation = make_article(tags=["Russia"]).adaptations[0]
    if state in (State.IN_REVIEW, State.SCHEDULED, State.REJECTED):
        adaptor = make_user(Role.ADAPTOR)
        drive(adaptation, State.IN_ADAPTATION, adaptor=adaptor)
        save_adaptation(
            db.session,
            adaptor,
            adaptation,
            title=title,
            body="Secret draft text.",
            version=adaptation.version,
            limits=limits(),
        )
        perform_action(db.session, adaptor, adaptation, "submit")
        editor = make_user(Role.EDITOR)
        if state == State.SCHEDULED:
            perform_action(
                db.session, editor, adaptation, "approve", publish_at=datetime.now(UTC) + timedelta(days=1)
            )
        elif state == State.REJECTED:
            perform_action(db.session, editor, adaptation, "reject", comment="Not for us.")
        db.session.commit()
    else:
        drive(adaptation, state)
    assert adaptation.state == state.value
    return adaptation


def page_url(adaptation: Adaptation) -> str:
    return f"/news/{adaptation.id}/{adaptation.slug}"


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def json_ld(html: str) -> dict:
    blocks = LD_JSON.findall(html)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def seed_story() -> tuple[Adaptation, dict[str, Adaptation]]:
    """The seed page's story, with an older and a newer neighbour and stories related or not."""
    reporter = make_user(Role.REPORTER, name="Ahmad Abdallah")
    nadine = make_user(Role.ADAPTOR, name="Nadine Sassine")
    editor = make_user(Role.EDITOR, name="Rima Haddad")
    others = {
        "older": publish(
            "Vatican's Cardinal Pietro Parolin Visits Beirut",
            at=SEED_TIME - timedelta(hours=3),
            tags=["Lebanon"],
            editor=editor,
        ),
        "newer": publish(
            "Hezbollah's Hudhud Drone Mission",
            at=SEED_TIME + timedelta(hours=2),
            tags=["Lebanon"],
            editor=editor,
        ),
        "same_tag": publish(
            "Moscow Signs Grain Deal",
            at=SEED_TIME - timedelta(days=2),
            section="Economy",
            tags=["Russia"],
            editor=editor,
        ),
        "unrelated": publish(
            "Cup Final Ends in a Draw",
            at=SEED_TIME - timedelta(days=3),
            section="Sport",
            tags=["Football"],
            editor=editor,
        ),
    }
    story = publish(
        SEED_TITLE,
        SEED_BODY,
        at=SEED_TIME,
        reporter=reporter,
        adaptor=nadine,
        editor=editor,
        tags=SEED_TAGS,
        original_title=SEED_ORIGINAL_TITLE,
    )
    return story, others


# --- the index ---------------------------------------------------------------------------------------


def test_index_lists_only_published_newest_first(client):
    base = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
    publish("Oldest published story", at=base)
    publish("Newest published story", at=base + timedelta(days=2))
    publish("Middle published story", at=base + timedelta(days=1))
    for state, title in (
        (State.IN_REVIEW, "Story still in review"),
        (State.SCHEDULED, "Story for tomorrow"),
        (State.REJECTED, "Story that was rejected"),
    ):
        unpublished(state, title)
    draft = unpublished(State.DRAFT_READY, "")
    withdrawn = unpublished(State.WITHDRAWN, "")

    html = html_of(client.get("/news"))

    titles = ["Newest published story", "Middle published story", "Oldest published story"]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)
    for hidden in (
        "Story still in review",
        "Story for tomorrow",
        "Story that was rejected",
        draft.draft.title,
        "Secret draft text",
        "زيارة بوتين",
    ):
        assert hidden not in html
    assert f"/news/{draft.id}/" not in html and f"/news/{withdrawn.id}/" not in html


def test_index_items_show_section_date_headline_credit_and_excerpt(client):
    story, _ = seed_story()

    html = html_of(client.get("/news"))

    item = next(chunk for chunk in html.split('<article class="teaser"') if page_url(story) in chunk)
    item = item.split("</article>")[0]
    assert 'href="/news?section=News"' in item
    assert '<time datetime="2024-06-19T13:25:00+00:00" lang="en" dir="ltr">Jun 19, 2024</time>' in item
    assert f">{unescape_safe(SEED_TITLE)}</a>" in item
    assert SEED_CREDIT in item
    assert "With Russian flags and welcoming banners" in item
    assert SEED_PARAGRAPHS[1][:40] not in item  # only the first paragraph, cut short


def unescape_safe(text: str) -> str:
    """Text as Jinja escapes it in HTML."""
    return text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")


def test_index_filters_by_section_and_tag(client):
    publish("Markets rally", section="Economy", tags=["Markets"])
    publish("Derby tonight", section="Sport", tags=["Football", "Beirut"])
    publish("Port reopens", section="News", tags=["Beirut"])

    economy = html_of(client.get("/news?section=Economy"))
    assert "Markets rally" in economy and "Derby tonight" not in economy and "Port reopens" not in economy
    assert "<h1>Economy</h1>" in economy

    beirut = html_of(client.get("/news?tag=Beirut"))
    assert "Derby tonight" in beirut and "Port reopens" in beirut and "Markets rally" not in beirut

    both = html_of(client.get("/news?section=Sport&tag=Beirut"))
    assert "Derby tonight" in both and "Port reopens" not in both

    nothing = html_of(client.get("/news?section=Economy&tag=Beirut"))  # both exist, never together
    assert "No published stories match this filter yet" in nothing
    for unknown in ("/news?section=Weather", "/news?tag=Nowhere", "/news?section=Sport&tag=Nowhere"):
        assert client.get(unknown).status_code == 404


def test_index_paginates(client):
    editor, adaptor = make_user(Role.EDITOR), make_user(Role.ADAPTOR)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(21):
        publish(f"Story number {n:02d}", at=base + timedelta(hours=n), editor=editor, adaptor=adaptor)

    first = html_of(client.get("/news"))
    assert "Story number 20" in first and "Story number 01" in first and "Story number 00" not in first
    assert 'href="/news?page=2"' in first

    second = html_of(client.get("/news?page=2"))
    assert "Story number 00" in second and "Story number 01" not in second
    assert 'href="/news"' in second
    assert client.get("/news?page=3").status_code == 404
    assert client.get("/news?page=0").status_code == 404


@pytest.mark.parametrize("query", ["section=%00", "tag=a%01b", f"page={10**30}"])
def test_index_refuses_impossible_filters(client, query):
    assert client.get(f"/news?{query}").status_code == 404


# --- one story ---------------------------------------------------------------------------------------


def test_article_page_reads_like_the_seed_page(client):
    story, others = seed_story()

    html = html_of(client.get(page_url(story)))

    assert '<html lang="en" dir="ltr">' in html
    assert 'class="section" href="/news?section=News">News</a>' in html
    assert "2024-06-19" in html and "13:25" in html
    assert reading_minutes(SEED_BODY) == 3 and "3 min read" in html
    assert f'<h1 class="headline">{unescape_safe(SEED_TITLE)}</h1>' in html
    credit = re.search(r'<p class="credit">(.*?)</p>', html).group(1)
    assert re.sub(r"<[^>]+>", "", credit) == SEED_CREDIT  # names link to their people pages
    for paragraph in SEED_PARAGRAPHS:
        assert f"<p>{unescape_safe(paragraph)}</p>" in html
    for tag, query in (("Putin", "Putin"), ("Russia", "Russia"), ("North Korea", "North+Korea")):
        assert f'<a rel="tag" href="/news?tag={query}">{tag}</a>' in html
    next_link = re.search(r'<a class="next" rel="next" href="([^"]+)"', html).group(1)
    previous_link = re.search(r'<a class="previous" rel="prev" href="([^"]+)"', html).group(1)
    assert next_link == page_url(others["newer"]) and previous_link == page_url(others["older"])
    related = html[html.index("Related stories") :]
    assert "Moscow Signs Grain Deal" in related  # shares a tag
    assert "Hezbollah&#39;s Hudhud Drone Mission" in related  # same section
    assert "Cup Final Ends in a Draw" not in related


def test_credit_line_names_every_adaptor_across_review_rounds(client):
    reporter = make_user(Role.REPORTER, name="Ahmad Abdallah")
    first = make_user(Role.ADAPTOR, name="Nadine Sassine")
    second = make_user(Role.ADAPTOR, name="Omar Khalil")
    editor = make_user(Role.EDITOR)
    adaptation = make_article(reporter).adaptations[0]
    drive(adaptation, State.IN_ADAPTATION, adaptor=first)
    perform_action(db.session, first, adaptation, "submit")
    perform_action(db.session, editor, adaptation, "request-changes", comment="Tighten the lede.")
    perform_action(db.session, editor, adaptation, "reassign", assignee=second.username)
    save_adaptation(
        db.session,
        second,
        adaptation,
        title="Two hands",
        body="Tighter lede.",
        version=adaptation.version,
        limits=limits(),
    )
    perform_action(db.session, second, adaptation, "submit")
    perform_action(db.session, editor, adaptation, "approve")
    db.session.commit()

    html = html_of(client.get(page_url(adaptation)))

    line = "A report by Ahmad Abdallah, English adaptation by Nadine Sassine and Omar Khalil"
    assert line in re.sub(r"<[^>]+>", "", html)
    data = json_ld(html)
    assert [(p["@type"], p["name"]) for p in data["translator"]] == [
        ("Person", "Nadine Sassine"),
        ("Person", "Omar Khalil"),
    ]


def test_article_carries_news_article_json_ld(client):
    story, _ = seed_story()

    data = json_ld(html_of(client.get(page_url(story))))

    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == SEED_TITLE
    assert data["inLanguage"] == "en"
    assert data["datePublished"] == "2024-06-19T13:25:00+00:00"
    assert data["dateModified"] >= data["datePublished"]
    assert data["articleSection"] == "News"
    assert data["keywords"] == SEED_TAGS
    assert data["wordCount"] == 598
    assert data["url"] == f"http://localhost{page_url(story)}"
    reporter, adaptor = (
        next(c.user for c in story.credits if c.role == role) for role in ("reporter", "adaptor")
    )
    assert data["author"] == {
        "@type": "Person",
        "name": "Ahmad Abdallah",
        "url": f"http://localhost/people/ahmad-abdallah-{reporter.id}",
    }
    assert data["translator"] == [
        {
            "@type": "Person",
            "name": "Nadine Sassine",
            "url": f"http://localhost/people/nadine-sassine-{adaptor.id}",
        }
    ]
    assert data["editor"] == {"@type": "Person", "name": "Rima Haddad"}
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Adaptdesk newsroom",
        "url": "http://localhost/news",
        "logo": {"@type": "ImageObject", "url": "http://localhost/static/img/publisher-logo.png"},
    }
    assert data["translationOfWork"] == {
        "@type": "NewsArticle",
        "@id": f"urn:adaptdesk:article:{story.article_id}",
        "version": 1,
        "inLanguage": "ar",
        "headline": SEED_ORIGINAL_TITLE,
    }


def test_right_to_left_adaptation_sets_lang_and_dir(client):
    story = publish(
        "زيارة تاريخية", "فقرة أولى.", source_language="en", language="ar", original_title="A historic visit"
    )

    html = html_of(client.get(page_url(story)))

    assert '<html lang="ar" dir="rtl">' in html
    # The byline and the page's labels are in the story's language.
    assert "تقرير: " in html and "، ترجمة وتحرير: " in html
    assert "A report by" not in html and "min read" not in html
    assert json_ld(html)["inLanguage"] == "ar"


@pytest.mark.parametrize(
    "state",
    [
        State.QUEUED,
        State.DRAFT_READY,
        State.MT_FAILED,
        State.IN_ADAPTATION,
        State.IN_REVIEW,
        State.SCHEDULED,
        State.REJECTED,
        State.WITHDRAWN,
    ],
)
def test_anything_not_published_is_not_found(client, state):
    adaptation = unpublished(state, "Not yet public")
    slug = adaptation.slug or "article"

    for url in (f"/news/{adaptation.id}/{slug}", f"/news/{adaptation.id}"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Not yet public" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/news/999999/no-such-story", "/news/99999999999999999999/x", "/news/0"])
def test_unknown_story_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_wrong_or_missing_slug_redirects_permanently(client):
    story = publish("Port of Beirut Reopens")
    assert story.slug == "port-of-beirut-reopens"

    for url in (f"/news/{story.id}/old-headline", f"/news/{story.id}"):
        response = client.get(url)
        assert response.status_code == 301
        assert response.headers["Location"] == f"/news/{story.id}/port-of-beirut-reopens"


def test_markup_in_stories_is_escaped_and_cannot_leave_the_json_ld_block(client):
    reporter = make_user(Role.REPORTER, name=f"Rogue {XSS_SCRIPT}")
    title = f"Headline {XSS_SCRIPT} {XSS_IMG} & more"
    body = f"Body {XSS_SCRIPT}\n\n{XSS_IMG} second paragraph"
    story = publish(
        title,
        body,
        reporter=reporter,
        tags=[XSS_IMG, "</script>"],
        section=f"News{XSS_IMG}",
        original_title=f"Original {XSS_SCRIPT}",
    )

    for html in (html_of(client.get(page_url(story))), html_of(client.get("/news"))):
        assert "alert(1)" in html  # the text is there …
        assert "<script>alert" not in html and "<img src=x" not in html  # … but never as markup
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert set(re.findall(r"<script\b[^>]*>", html)) <= ALLOWED_SCRIPTS
    page = html_of(client.get(page_url(story)))
    assert page.count("</script>") == 2  # the JSON-LD block and the share script, nothing from the story
    data = json_ld(page)
    assert data["headline"] == title
    assert data["keywords"] == [XSS_IMG, "</script>"]
    assert data["author"]["name"] == f"Rogue {XSS_SCRIPT}"
    assert data["translationOfWork"]["headline"] == f"Original {XSS_SCRIPT}"
    block = LD_JSON.search(page).group(1)
    assert "<" not in block and ">" not in block and "&" not in block


def test_public_pages_follow_the_content_security_policy(client):
    story, _ = seed_story()
    for url in ("/news", page_url(story)):
        response = client.get(url)
        html = html_of(response)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert " style=" not in html and "<style" not in html
        assert set(re.findall(r"<script\b[^>]*>", html)) <= ALLOWED_SCRIPTS
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert "/static/css/public.css" in html
    with client.get("/static/css/public.css") as css:
        assert css.status_code == 200 and css.mimetype == "text/css"


# --- the feed ----------------------------------------------------------------------------------------


def test_atom_feed_lists_the_newest_published_stories(client):
    story, _others = seed_story()
    unpublished(State.IN_REVIEW, "Story still in review")

    response = client.get("/news/feed.xml")

    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.get_data())
    entries = feed.findall("a:entry", ns)
    titles = [e.findtext("a:title", namespaces=ns) for e in entries]
    assert titles[:2] == ["Hezbollah's Hudhud Drone Mission", SEED_TITLE]
    assert "Story still in review" not in titles and len(titles) == 5
    seed_entry = entries[1]
    assert seed_entry.find("a:link", ns).get("href") == f"http://localhost{page_url(story)}"
    assert seed_entry.findtext("a:published", namespaces=ns) == "2024-06-19T13:25:00+00:00"
    authors = [a.findtext("a:name", namespaces=ns) for a in seed_entry.findall("a:author", ns)]
    assert authors == ["Ahmad Abdallah"]
    assert SEED_CREDIT in seed_entry.findtext("a:summary", namespaces=ns)

    sport = ET.fromstring(client.get("/news/feed.xml?section=Sport").get_data())
    assert [e.findtext("a:title", namespaces=ns) for e in sport.findall("a:entry", ns)] == [
        "Cup Final Ends in a Draw"
    ]
