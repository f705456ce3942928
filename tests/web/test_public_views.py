"""Story views: counted on the server without cookies, once per visitor per story per day, bots left out, in
the database or in Redis; "Most read" on the index, the "High views" mark, views on the editors' dashboard."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import html5lib
import pytest
import redis
from sqlalchemy import select

from tests.support.factories import login, make_user
from tests.web.test_public_site import page_url, publish
from workflow.domain.states import Role
from workflow.domain.views import HIGH_VIEWS_MIN, high_views, is_bot, visitor_hash
from workflow.extensions import db
from workflow.models import StoryViewVisitor, ViewSalt
from workflow.services.views import DatabaseViews, RedisViews, record_view

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
)
REDIS_URL = os.environ.get("ADAPTDESK_TEST_REDIS", "redis://127.0.0.1:6379")


@pytest.fixture(params=["database", "redis"])
def store_kind(request, app):
    """Run the test with views in the database, then in a real Redis."""
    settings = app.config["ADAPTDESK"]
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter("adaptdesk:views:*"):
            client.delete(key)
        app.config["ADAPTDESK"] = replace(settings, redis_url=REDIS_URL)
    yield request.param
    app.config["ADAPTDESK"] = settings
    app.extensions.pop("adaptdesk_views_redis", None)
    if request.param == "redis":
        for key in client.scan_iter("adaptdesk:views:*"):
            client.delete(key)


def read(client, story, address="203.0.113.7", agent=BROWSER):
    response = client.get(
        page_url(story), headers={"User-Agent": agent}, environ_base={"REMOTE_ADDR": address}
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    return response


def readers(client, story, count: int) -> None:
    for n in range(count):
        read(client, story, address=f"198.51.100.{n + 1}")


def most_read(client) -> list[str]:
    tree = html5lib.parse(client.get("/news").get_data(as_text=True), namespaceHTMLElements=False)
    aside = tree.find(".//aside[@class='most-read']")
    return [] if aside is None else [a.text for a in aside.iter("a")]


def has_mark(client, story) -> bool:
    return 'class="high-views">High views<' in client.get(page_url(story)).get_data(as_text=True)


# --- pure rules ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 HeadlessChrome/126.0",
    ],
)
def test_crawlers_and_scripts_are_bots(agent):
    assert is_bot(agent)


@pytest.mark.parametrize("agent", [BROWSER, PHONE])
def test_browsers_are_readers(agent):
    assert not is_bot(agent)


def test_the_visitor_hash_depends_on_the_days_salt_and_hides_the_address():
    one = visitor_hash("salt-a", "203.0.113.7", BROWSER, 1)
    assert one == visitor_hash("salt-a", "203.0.113.7", BROWSER, 1)
    assert one != visitor_hash("salt-b", "203.0.113.7", BROWSER, 1)  # a new day, a new visitor
    assert one != visitor_hash("salt-a", "203.0.113.7", BROWSER, 2)
    assert "203.0.113.7" not in one and len(one) == 64


def test_high_views_is_the_top_tenth_above_a_floor():
    counts = {story: 100 - story for story in range(1, 21)}  # 20 stories: the top two are the tier
    assert high_views(counts) == {1, 2}
    assert high_views({1: HIGH_VIEWS_MIN - 1, 2: 1}) == set()
    assert high_views({1: HIGH_VIEWS_MIN, 2: 1}) == {1}
    assert high_views({}) == set()


# --- counting ------------------------------------------------------------------------------------------


def test_one_view_per_visitor_per_story_per_day_and_none_for_bots(client, store_kind):
    story = publish("Port reopens")
    other = publish("Derby tonight")

    read(client, story)
    read(client, story)  # the same reader again
    read(client, story, agent=PHONE)  # another device at the same address
    read(client, story, address="198.51.100.9")
    read(client, story, agent="Googlebot/2.1 (+http://www.google.com/bot.html)")
    read(client, other)
    client.head(page_url(story), headers={"User-Agent": BROWSER})

    from workflow.web.story_views import story_views_last_week

    with client.application.test_request_context():
        views = story_views_last_week()
    assert views == {story.id: 3, other.id: 1}


def test_most_read_lists_the_stories_read_most_in_the_last_seven_days(client, store_kind):
    quiet = publish("Quiet story")
    busy = publish("Busy story")
    middling = publish("Middling story")
    readers(client, busy, 4)
    readers(client, middling, 2)
    readers(client, quiet, 1)

    assert most_read(client) == ["Busy story", "Middling story", "Quiet story"]


def test_high_views_marks_the_top_tier_only(client, store_kind):
    busy = publish("Busy story")
    quiet = publish("Quiet story")
    readers(client, busy, HIGH_VIEWS_MIN)
    readers(client, quiet, HIGH_VIEWS_MIN - 1)

    assert has_mark(client, busy)
    assert not has_mark(client, quiet)


def test_the_index_without_views_has_no_most_read_list(client, store_kind):
    publish("Nobody read this")
    assert most_read(client) == []


def test_yesterdays_visitor_hashes_and_salt_are_deleted_with_the_new_day(session):
    story = publish("Port reopens")
    store = DatabaseViews(session)
    today = datetime(2026, 12, 5, 9, tzinfo=UTC)

    assert record_view(store, story.id, "203.0.113.7", BROWSER, today - timedelta(days=1))
    assert record_view(store, story.id, "203.0.113.7", BROWSER, today)  # a new day counts again

    assert set(session.scalars(select(ViewSalt.day))) == {date(2026, 12, 5)}
    assert set(session.scalars(select(StoryViewVisitor.day))) == {date(2026, 12, 5)}
    assert store.views_since(date(2026, 12, 4)) == {story.id: 2}


def test_redis_keeps_days_and_visitors_with_an_expiry(session):
    client = redis.Redis.from_url(REDIS_URL)
    store = RedisViews(client)
    now = datetime(2026, 12, 5, 9, tzinfo=UTC)
    try:
        assert record_view(store, 7, "203.0.113.7", BROWSER, now)
        assert not record_view(store, 7, "203.0.113.7", BROWSER, now)
        for key in client.scan_iter("adaptdesk:views:*"):
            assert 0 < client.ttl(key) <= 8 * 86400, key
        assert store.views_since(date(2026, 11, 29)) == {7: 1}
    finally:
        for key in client.scan_iter("adaptdesk:views:*"):
            client.delete(key)


# --- the editors' dashboard ----------------------------------------------------------------------------


def test_the_dashboard_shows_views_per_story(client, store_kind):
    story = publish("Busy story")
    readers(client, story, 3)
    login(client, make_user(Role.EDITOR))

    html = client.get("/desk/dashboard").get_data(as_text=True)

    tree = html5lib.parse(html, namespaceHTMLElements=False)
    table = tree.find(".//table[@id='story-views']")
    rows = [["".join(td.itertext()).strip() for td in tr.findall("td")] for tr in table.iter("tr")]
    assert ["Busy story", "3"] in [row[:2] for row in rows if row]
    assert db.session is not None
