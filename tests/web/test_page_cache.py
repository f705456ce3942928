"""Public lists served from the page cache: the same page again for one indexed read, never a story that left
the site or missing one that arrived, fresh within the minute for what the history does not record, and
never for someone logged in."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask

from tests.support.factories import login, make_user
from tests.web.test_list_pages import StatementCounter
from tests.web.test_public_site import html_of, publish
from workflow.config import ConfigError, Settings
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.services.adaptations import perform_action
from workflow.web.page_cache import EXTENSION, KeptPage, PageCache, init_page_cache


@pytest.fixture()
def pages(app):
    """The app's page cache, on a clock the test moves."""
    cache = app.extensions[EXTENSION]
    now = [1000.0]
    real_clock = cache.clock
    cache.clock = lambda: now[0]
    cache.now = now
    try:
        yield cache
    finally:
        cache.clock = real_clock
        cache.clear()


def get_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html_of(response)


def test_a_second_visit_is_served_from_memory_for_one_read(client, pages):
    """The page is written once; the next visit runs only the read of the desk's last step."""
    publish("Kept headline")
    first = client.get("/news")
    with StatementCounter() as counter:
        again = client.get("/news")
    assert counter.count == 1
    assert again.get_data() == first.get_data()
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Cache-Control"] == "public, max-age=60"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert client.get("/news", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_a_story_that_arrives_or_leaves_shows_at_once(client, pages):
    """A publication and an unpublication each record a step: the next visit writes the page again."""
    story = publish("First story")
    assert "First story" in get_html(client, "/news")
    publish("Second story")
    assert "Second story" in get_html(client, "/news")
    perform_action(db.session, make_user(Role.EDITOR), story, "unpublish", comment="Legal hold.")
    db.session.commit()
    html = get_html(client, "/news")
    assert "First story" not in html and "Second story" in html


def test_what_the_history_does_not_record_shows_within_the_minute(client, pages):
    """A byline's new name is not a step of any story: it shows once the page is a minute old."""
    adaptor = make_user(Role.ADAPTOR, name="Nadine Sassine")
    publish("Named story", adaptor=adaptor)
    assert "Nadine Sassine" in get_html(client, "/news")
    adaptor.display_name = "Nadine S. Sassine"
    db.session.commit()
    pages.now[0] += 59
    assert "Nadine S. Sassine" not in get_html(client, "/news")
    pages.now[0] += 1
    assert "Nadine S. Sassine" in get_html(client, "/news")


def test_each_address_is_its_own_page(client, pages):
    """A section, a search and a page number are kept apart."""
    publish("Sports story", section="Sport")
    publish("Economy story", section="Economy")
    assert "Economy story" not in get_html(client, "/news?section=Sport")
    assert "Sports story" not in get_html(client, "/news?section=Economy")
    assert "Economy story" in get_html(client, "/news")


def test_someone_logged_in_is_never_served_from_or_into_the_cache(client, pages):
    """A person's copy is written for them and not kept (it is private)."""
    editor = make_user(Role.EDITOR)
    publish("Desk story")
    login(client, editor)
    html = get_html(client, "/news")
    assert "Desk story" in html
    assert len(pages) == 0
    with StatementCounter() as counter:
        client.get("/news")
    assert counter.count > 1


def test_errors_are_not_kept(client, pages):
    """A 404 (an unknown section) is answered by the view each time."""
    assert client.get("/news?section=Nowhere").status_code == 404
    assert len(pages) == 0


def test_the_least_recently_served_page_goes_first():
    """Beyond its memory, the cache drops the page served longest ago; a page too large is not kept."""
    cache = PageCache(40, clock=lambda: 0.0)
    page = KeptPage(generation=1, written=0.0, max_age=60, status=200, headers=(), body=b"x" * 10)
    for key in ("/a", "/b", "/c", "/d"):
        assert cache.put(key, page)
    assert cache.size == 40
    assert cache.get("/a", 1) is page  # /a served: /b is now the oldest
    cache.put("/e", page)
    assert cache.get("/b", 1) is None and cache.size == 40
    assert all(cache.get(key, 1) is page for key in ("/a", "/c", "/d", "/e"))
    cache.put("/a", page)  # written again: counted once
    assert cache.size == 40
    assert not cache.put("/big", KeptPage(1, 0.0, 60, 200, (), b"x" * 11))
    assert cache.get("/big", 1) is None
    assert cache.get("/a", 2) is None and cache.size == 30  # a step of the desk since: dropped


def test_the_cache_size_is_set_in_the_environment(app):
    """ADAPTDESK_PAGE_CACHE_MB: 0 turns it off; a negative number is refused."""
    assert Settings.from_env({"ADAPTDESK_PAGE_CACHE_MB": "16"}).page_cache_mb == 16
    with pytest.raises(ConfigError, match="ADAPTDESK_PAGE_CACHE_MB"):
        Settings.from_env({"ADAPTDESK_PAGE_CACHE_MB": "-1"})
    quiet = Flask(__name__)
    quiet.config["ADAPTDESK"] = replace(app.config["ADAPTDESK"], page_cache_mb=0)
    init_page_cache(quiet)
    assert quiet.extensions[EXTENSION] is None
    assert isinstance(app.extensions[EXTENSION], PageCache)
