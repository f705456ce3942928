"""The public site as readers' clients and search engines read it: robots.txt, sitemaps, noindex, canonical
links, caching, social cards, JSON-LD (extruct), people pages, share links and the Atom feed (feedparser)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import extruct
import feedparser
import html5lib
import pytest

from tests.support.factories import limits, login, make_user
from tests.web.test_public_site import SEED_TITLE, page_url, publish, seed_story, unpublished
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.services.adaptations import perform_action, save_adaptation
from workflow.services.articles import revise_article

SITE = "http://localhost"
XHTML = "{http://www.w3.org/1999/xhtml}"
SITEMAP = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "n": "http://www.google.com/schemas/sitemap-news/0.9",
}


def parse(response):
    """The page as a browser's parser builds it (html5lib), failing on a parse error."""
    assert response.status_code == 200, response.status_code
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(response.get_data(as_text=True))


def meta(tree, key: str) -> list[str]:
    """Every `content` of <meta property=key> or <meta name=key>."""
    return [m.get("content") for m in tree.iter("meta") if m.get("property") == key or m.get("name") == key]


def canonical(tree) -> str:
    links = [link.get("href") for link in tree.iter("link") if link.get("rel") == "canonical"]
    assert len(links) == 1, links
    return links[0]


def news_article(client, url: str) -> dict:
    """The page's NewsArticle as extruct (a structured-data client) reads it."""
    found = extruct.extract(client.get(url).get_data(as_text=True), base_url=SITE + url, syntaxes=["json-ld"])
    articles = [item for item in found["json-ld"] if item.get("@type") == "NewsArticle"]
    assert len(articles) == 1
    return articles[0]


# --- search engines ----------------------------------------------------------------------------------


def test_robots_txt_keeps_crawlers_out_of_the_newsroom_and_names_the_sitemaps(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    disallowed = {line.split(":", 1)[1].strip() for line in lines if line.startswith("Disallow:")}
    assert {"/desk", "/admin", "/login", "/account", "/api"} <= disallowed
    assert not any(path in ("/", "/news", "/people") or path.startswith("/news") for path in disallowed)
    assert f"Sitemap: {SITE}/sitemap.xml" in lines and f"Sitemap: {SITE}/news-sitemap.xml" in lines
    assert lines[0] == "User-agent: *"


@pytest.mark.parametrize("url", ["/login", "/desk/", "/desk/review", "/admin", "/account", "/api/v1/queue"])
def test_newsroom_responses_say_noindex(client, url):
    assert "noindex" in client.get(url).headers["X-Robots-Tag"]


def test_public_pages_may_be_indexed(client):
    story = publish("Port reopens", tags=["Beirut"])
    for url in ("/news", page_url(story), "/news/feed.xml", "/robots.txt", "/sitemap.xml"):
        assert "X-Robots-Tag" not in client.get(url).headers, url


def test_sitemap_lists_the_index_sections_people_and_every_story_on_the_site(client):
    story, others = seed_story()
    hidden = unpublished(State.IN_REVIEW, "Story still in review")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200 and response.mimetype == "application/xml"
    urls = {
        u.findtext("s:loc", namespaces=SITEMAP): u
        for u in ET.fromstring(response.get_data()).findall("s:url", SITEMAP)
    }
    for one in (story, *others.values()):
        assert SITE + page_url(one) in urls
    assert f"{SITE}/news" in urls and f"{SITE}/news?section=Sport" in urls
    assert (
        urls[SITE + page_url(story)].findtext("s:lastmod", namespaces=SITEMAP) == "2024-06-19T13:25:00+00:00"
    )
    people = [u for u in urls if u.startswith(f"{SITE}/people/")]
    assert any("/people/nadine-sassine-" in u for u in people) and any(
        "/people/ahmad-abdallah-" in u for u in people
    )
    assert not any("rima-haddad" in u for u in people)  # editors have no byline
    assert not any(f"/news/{hidden.id}/" in u for u in urls)
    for person_page in people:
        assert client.get(person_page.removeprefix(SITE)).status_code == 200


def test_news_sitemap_lists_only_the_last_two_days(client):
    fresh = publish("Fresh story & more", at=datetime.now(UTC) - timedelta(hours=3))
    stale = publish("Three days old", at=datetime.now(UTC) - timedelta(days=3))

    response = client.get("/news-sitemap.xml")

    assert response.status_code == 200 and response.mimetype == "application/xml"
    urls = ET.fromstring(response.get_data()).findall("s:url", SITEMAP)
    assert [u.findtext("s:loc", namespaces=SITEMAP) for u in urls] == [SITE + page_url(fresh)]
    news = urls[0].find("n:news", SITEMAP)
    assert news.findtext("n:title", namespaces=SITEMAP) == "Fresh story & more"
    assert news.findtext("n:publication/n:name", namespaces=SITEMAP) == "Adaptdesk newsroom"
    assert news.findtext("n:publication/n:language", namespaces=SITEMAP) == "en"
    assert news.findtext("n:publication_date", namespaces=SITEMAP) == fresh.published_at.isoformat()
    assert SITE + page_url(stale) not in response.get_data(as_text=True)


def test_every_public_page_names_its_canonical_address(client):
    editor, adaptor = make_user(Role.EDITOR), make_user(Role.ADAPTOR, name="Nadine Sassine")
    base = datetime(2024, 1, 1, tzinfo=UTC)
    stories = [
        publish(
            f"Story {n:02d}", at=base + timedelta(hours=n), editor=editor, adaptor=adaptor, tags=["Beirut"]
        )
        for n in range(21)
    ]
    person_path = f"/people/nadine-sassine-{adaptor.id}"

    assert canonical(parse(client.get("/news"))) == f"{SITE}/news"
    assert canonical(parse(client.get("/news?page=2"))) == f"{SITE}/news?page=2"
    assert canonical(parse(client.get("/news?section=News"))) == f"{SITE}/news?section=News"
    assert canonical(parse(client.get("/news?tag=Beirut"))) == f"{SITE}/news?tag=Beirut"
    assert canonical(parse(client.get(page_url(stories[0])))) == SITE + page_url(stories[0])
    assert canonical(parse(client.get(person_path))) == SITE + person_path


def test_unknown_sections_and_tags_are_not_found(client):
    publish("Derby tonight", section="Sport", tags=["Football"])
    unpublished(State.IN_REVIEW, "Hidden")  # its tag "Russia" is on no published story

    assert client.get("/news?section=Sport").status_code == 200
    assert client.get("/news?tag=Football").status_code == 200
    for url in ("/news?section=Weather", "/news?tag=Russia", "/news?section=Sport&tag=Russia"):
        assert client.get(url).status_code == 404, url


def test_public_pages_are_cacheable_for_visitors_and_answer_304(client):
    story = publish("Port reopens")
    for url in ("/news", page_url(story), "/news/feed.xml", "/sitemap.xml"):
        response = client.get(url)
        assert response.headers["Cache-Control"].startswith("public, max-age="), url
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b"", url


def test_visiting_the_login_page_leaves_public_pages_cacheable_and_cookie_free(client):
    story = publish("Port reopens")
    assert "Set-Cookie" in client.get("/login").headers  # the login form's CSRF token

    for url in ("/news", page_url(story)):
        response = client.get(url)
        assert response.headers["Cache-Control"].startswith("public, max-age="), url
        assert "Set-Cookie" not in response.headers, url


def test_a_logged_in_persons_public_pages_are_not_shared(client):
    story = publish("Port reopens")
    login(client, make_user(Role.EDITOR))

    response = client.get(page_url(story))

    assert response.status_code == 200
    assert (
        "public" not in response.headers["Cache-Control"] and "no-store" in response.headers["Cache-Control"]
    )


# --- social cards and structured data ------------------------------------------------------------------


def test_story_page_carries_open_graph_and_twitter_cards(client):
    story, _ = seed_story()

    tree = parse(client.get(page_url(story)))

    assert meta(tree, "og:type") == ["article"]
    assert meta(tree, "og:title") == [SEED_TITLE]
    assert meta(tree, "og:url") == [SITE + page_url(story)]
    assert meta(tree, "og:description")[0].startswith("With Russian flags and welcoming banners")
    assert meta(tree, "og:image") == [f"{SITE}/static/img/publisher-logo.png"]
    assert meta(tree, "article:published_time") == ["2024-06-19T13:25:00+00:00"]
    assert meta(tree, "article:modified_time")[0] >= "2024-06-19T13:25:00+00:00"
    authors = meta(tree, "article:author")
    assert len(authors) == 2 and all(a.startswith(f"{SITE}/people/") for a in authors)
    assert meta(tree, "article:tag") == ["Putin", "Russia", "North Korea"]
    assert meta(tree, "twitter:card") == ["summary_large_image"]
    og = extruct.extract(client.get(page_url(story)).get_data(as_text=True), syntaxes=["opengraph"])[
        "opengraph"
    ]
    assert dict(og[0]["properties"])["og:type"] == "article"


def test_json_ld_is_a_complete_news_article(client):
    long_title = "A very long headline about the visit " * 5
    story = publish(long_title.strip(), reporter=make_user(Role.REPORTER, name="Ahmad Abdallah"))

    data = news_article(client, page_url(story))
    html = client.get(page_url(story)).get_data(as_text=True)

    assert len(data["headline"]) <= 110 and data["headline"].endswith("…")
    assert long_title.strip() in html  # the full title stays on the page
    assert data["description"] == "First paragraph."
    assert data["image"] == [f"{SITE}/static/img/publisher-logo.png"]
    assert data["publisher"]["url"] == f"{SITE}/news"
    assert data["publisher"]["logo"] == {
        "@type": "ImageObject",
        "url": f"{SITE}/static/img/publisher-logo.png",
    }
    for person in (data["author"], *data["translator"]):
        assert person["url"].startswith(f"{SITE}/people/")
        assert client.get(person["url"].removeprefix(SITE)).status_code == 200


def test_publisher_and_logo_come_from_settings(app, client):
    settings = app.config["ADAPTDESK"]
    story = publish("Port reopens")
    app.config["ADAPTDESK_PUBLISHER"] = "Beirut Daily"
    app.config["ADAPTDESK"] = type(settings)(
        **{**settings.__dict__, "publisher_logo": "https://cdn.example.org/l.png"}
    )
    try:
        data = news_article(client, page_url(story))
    finally:
        app.config["ADAPTDESK"], app.config["ADAPTDESK_PUBLISHER"] = settings, settings.publisher
    assert data["publisher"]["name"] == "Beirut Daily"
    assert data["publisher"]["logo"]["url"] == "https://cdn.example.org/l.png"


def test_translation_of_work_keeps_its_id_when_the_original_is_revised(client):
    reporter, adaptor, editor = make_user(Role.REPORTER), make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    story = publish("Port reopens", reporter=reporter, adaptor=adaptor, editor=editor)
    before = news_article(client, page_url(story))["translationOfWork"]

    revise_article(db.session, reporter, story.article, {"body": "نص مصحح."}, limits())
    perform_action(db.session, editor, story, "correct")
    perform_action(db.session, adaptor, story, "acknowledge-source", revision=2)
    save_adaptation(
        db.session,
        adaptor,
        story,
        title="Port reopens",
        body="Corrected.",
        version=story.version,
        limits=limits(),
    )
    perform_action(db.session, adaptor, story, "submit")
    perform_action(db.session, editor, story, "approve", correction_note="The day was wrong.")
    db.session.commit()
    after = news_article(client, page_url(story))["translationOfWork"]

    assert after["@id"] == before["@id"] == f"urn:adaptdesk:article:{story.article_id}"
    assert (before["version"], after["version"]) == (1, 2)


# --- people pages --------------------------------------------------------------------------------------


def test_people_page_lists_the_stories_a_person_reported_or_adapted_with_the_role(client):
    nadine = make_user(Role.ADAPTOR, name="Nadine Sassine")
    adapted = publish("Adapted by Nadine", adaptor=nadine, at=datetime(2024, 6, 1, tzinfo=UTC))
    other = publish("Someone else's story")
    hidden = unpublished(State.IN_REVIEW, "Not out yet")
    path = f"/people/nadine-sassine-{nadine.id}"

    tree = parse(client.get(path))

    items = tree.findall(".//ul[@class='person-stories']/li")
    assert len(items) == 1
    text = "".join(items[0].itertext())
    assert "English adaptation" in text and "Adapted by Nadine" in text
    assert items[0].find(".//h2/a").get("href") == page_url(adapted)
    assert other.title not in "".join(tree.itertext()) and hidden.id
    # the story page's credit line links to it
    story = parse(client.get(page_url(adapted)))
    credit = story.find(".//p[@class='credit']")
    assert [a.get("href") for a in credit.iter("a") if a.text == "Nadine Sassine"] == [path]


def test_people_page_shows_the_reporter_role(client):
    ahmad = make_user(Role.REPORTER, name="أحمد عبدالله")
    story = publish("Reported by Ahmad", reporter=ahmad)

    tree = parse(client.get(f"/people/person-{ahmad.id}"))

    assert "Reporter" in "".join(tree.find(".//ul[@class='person-stories']").itertext())
    assert tree.find(".//h2/a").get("href") == page_url(story)


def test_people_pages_redirect_old_slugs_and_hide_people_without_a_byline(client):
    nadine = make_user(Role.ADAPTOR, name="Nadine Sassine")
    editor = make_user(Role.EDITOR, name="Rima Haddad")
    publish("Port reopens", adaptor=nadine, editor=editor)

    response = client.get(f"/people/nadine-{nadine.id}")
    assert (
        response.status_code == 301 and response.headers["Location"] == f"/people/nadine-sassine-{nadine.id}"
    )
    assert client.get(f"/people/rima-haddad-{editor.id}").status_code == 404  # editors are not bylines
    for missing in ("/people/nobody", "/people/x-99999999", "/people/x-99999999999"):
        assert client.get(missing).status_code == 404


# --- share links and the section link ------------------------------------------------------------------


def test_story_page_has_plain_share_links_a_copy_button_and_no_third_party_script(client):
    story, _ = seed_story()
    url = SITE + page_url(story)

    tree = parse(client.get(page_url(story)))

    share = tree.find(".//div[@class='share']")
    links = {a.text: a.get("href") for a in share.iter("a")}
    assert set(links) == {"X", "Facebook", "WhatsApp", "Telegram", "LinkedIn", "E-mail"}
    for name, href in links.items():
        parts = urlsplit(href)
        values = [v for vs in parse_qs(parts.query).values() for v in vs]
        assert any(url in v for v in values), (name, href)
    assert urlsplit(links["X"]).netloc == "x.com" and urlsplit(links["E-mail"]).scheme == "mailto"
    assert parse_qs(urlsplit(links["E-mail"]).query)["subject"] == [SEED_TITLE]
    copy = share.find(".//button[@class='share-copy']")
    assert copy.get("data-url") == url and copy.get("type") == "button"
    assert share.find(".//button[@class='share-native']") is not None
    scripts = [s.get("src") for s in tree.iter("script") if s.get("src")]
    assert scripts == ["/static/js/share.js"]
    with client.get("/static/js/share.js") as script:
        assert script.status_code == 200 and "navigator.share" in script.get_data(as_text=True)


def test_section_link_marks_the_story_section_with_aria_current_true(client):
    story = publish("Port reopens", section="News")
    publish("Derby tonight", section="Sport")

    def current(url):
        nav = parse(client.get(url)).find(".//nav[@class='sections']")
        return [(a.text, a.get("aria-current")) for a in nav.iter("a") if a.get("aria-current")]

    assert current(page_url(story)) == [("News", "true")]
    assert current("/news?section=Sport") == [("Sport", "page")]


# --- the feed ------------------------------------------------------------------------------------------


def test_feed_entries_carry_full_text_and_categories_with_distinct_schemes(client):
    body = "First paragraph with <b>markup</b> & more.\n\nSecond paragraph."
    story = publish("Port reopens", body, section="Economy", tags=["Beirut", "beirut", "Ports", "Economy"])

    parsed = feedparser.parse(client.get("/news/feed.xml").get_data())

    assert not parsed.bozo, parsed.bozo_exception
    entry = parsed.entries[0]
    assert entry.link == SITE + page_url(story)
    content = entry.content[0]
    assert content.type == "text/html"
    assert "<p>First paragraph with &lt;b&gt;markup&lt;/b&gt; &amp; more.</p>" in content.value
    assert "<p>Second paragraph.</p>" in content.value
    categories = [(t.term, t.scheme) for t in entry.tags]
    assert categories == [
        ("Economy", f"{SITE}/news?section="),
        ("Beirut", f"{SITE}/news?tag="),
        ("Ports", f"{SITE}/news?tag="),
        ("Economy", f"{SITE}/news?tag="),
    ]
