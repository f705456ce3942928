"""Absolute addresses (the Atom feed, canonical links, JSON-LD, the API's `url`) come from
ADAPTDESK_PUBLIC_URL, never from the Host header a client sends."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from tests.support.factories import drive, make_article, make_user, token_for
from workflow.domain.states import Role, State

PUBLIC = "https://news.example.org"
HOSTILE = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}


@pytest.fixture()
def public_site(app, session, monkeypatch):
    """The app configured with a public address, and one published story."""
    monkeypatch.setitem(app.config, "ADAPTDESK", replace(app.config["ADAPTDESK"], public_url=PUBLIC))
    return drive(make_article().adaptations[0], State.PUBLISHED)


#: The share links' services (plain links carrying the story's public address as a parameter).
SHARE_SERVICES = (
    "https://x.com/",
    "https://www.facebook.com/",
    "https://wa.me/",
    "https://t.me/",
    "https://www.linkedin.com/",
)


def absolute_urls(text: str) -> list[str]:
    return re.findall(r"(?:https?:)?//[^\s\"'<>]+", text)


def test_feed_page_and_json_ld_ignore_the_host_header(client, public_site):
    story = public_site
    feed = client.get("/news/feed.xml", headers=HOSTILE).get_data(as_text=True)
    page = client.get(f"/news/{story.id}/{story.slug}", headers=HOSTILE).get_data(as_text=True)
    for text in (feed, page):
        assert "evil.example" not in text
    assert f'<link rel="self" type="application/atom+xml" href="{PUBLIC}/news/feed.xml"/>' in feed
    assert f'href="{PUBLIC}/news/{story.id}/{story.slug}"' in feed
    assert f'<link rel="canonical" href="{PUBLIC}/news/{story.id}/{story.slug}">' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["url"] == data["@id"] == f"{PUBLIC}/news/{story.id}/{story.slug}"
    own = [
        url
        for url in absolute_urls(feed + page)
        if "schema.org" not in url and "w3.org" not in url and not url.startswith(SHARE_SERVICES)
    ]
    assert own and all(url.startswith(PUBLIC) for url in own), own


def test_the_api_names_the_public_address(client, public_site):
    editor = make_user(Role.EDITOR)
    shown = client.get(f"/api/v1/adaptations/{public_site.id}", headers={**HOSTILE, **token_for(editor)})
    assert shown.status_code == 200
    assert shown.json["url"] == f"{PUBLIC}/news/{public_site.id}/{public_site.slug}"
    published = client.get("/api/v1/published", headers=HOSTILE).json
    items = published["items"] if isinstance(published, dict) else published
    assert any(item["url"] == shown.json["url"] for item in items)


def test_a_mounted_app_is_not_named_twice(app, public_site):
    """Behind a path prefix (SCRIPT_NAME), the public address already holds the prefix."""
    mounted = replace(app.config["ADAPTDESK"], public_url=PUBLIC + "/desk-site")
    app.config["ADAPTDESK"], saved = mounted, app.config["ADAPTDESK"]
    try:
        response = app.test_client().get("/news/feed.xml", environ_base={"SCRIPT_NAME": "/desk-site"})
    finally:
        app.config["ADAPTDESK"] = saved
    assert f'href="{PUBLIC}/desk-site/news/feed.xml"' in response.get_data(as_text=True)
