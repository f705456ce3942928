"""The live desk across processes: two web processes (gunicorn, via `adaptdesk serve`) and a Celery worker on
one database and one Redis. Events published by one process reach streams served by the other; a stream
reconnected with Last-Event-ID to the *other* process replays what it missed; presence is shared."""

from __future__ import annotations

import time

import pytest

from tests.support.sse import SseReader
from tests.worker.conftest import _build_stack, redis_newsroom

ORIGINAL = {
    "title": "عنوان الخبر",
    "body": "هذا نص الخبر. وهذه جملة ثانية.",
    "language": "ar",
    "targets": ["en"],
}


@pytest.fixture(scope="module")
def two_webs(tmp_path_factory, argos_dir):
    """Web #1 and web #2 and one worker, on Redis (db 13) and the run's database; short streams and heartbeats."""
    short = {"ADAPTDESK_LIVE_HEARTBEAT": "1", "ADAPTDESK_LIVE_STREAM_SECONDS": "60"}
    with redis_newsroom(tmp_path_factory, argos_dir, env=short, second_web=True) as stack:
        yield stack


def stream(base_url: str, person, query: str = "", last_event_id: str | None = None) -> SseReader:
    reader = SseReader(f"{base_url}/api/v1/events{query}", person.token, last_event_id)
    assert reader.status == 200 and reader.content_type.startswith("text/event-stream")
    reader.next("hello")
    return reader


def test_events_cross_processes_replay_on_reconnect_and_presence_is_shared(two_webs):
    stack, web1, web2 = two_webs, two_webs.base_url, two_webs.web2
    reporter, adaptor, editor = (stack.people[p] for p in ("reporter", "adaptor", "editor"))

    # The adaptor listens on web #2; the original goes in through web #1 and the worker drafts it.
    adaptor_desk = stream(web2, adaptor, "?desk=1")
    created = reporter.post("/api/v1/articles", ORIGINAL)
    assert created.status == 201, created.json
    adaptation_id = created.json["adaptations"][0]["id"]
    ready = adaptor_desk.next("notification", timeout=90, where=lambda d: d["event"] == "draft_ready")
    assert (
        ready.data["adaptation_id"] == adaptation_id and ready.data["unread"] == 1
    )  # from the worker process
    adaptor_desk.saw("desk", where=lambda d: d["action"] == "draft-ready" and d["state"] == "draft_ready")
    adaptor_desk.close()

    # The reporter listens on web #2; the adaptor claims through web #1.
    reporter_live = stream(web2, reporter)
    adaptor.act(adaptation_id, "claim")
    claimed = reporter_live.next("notification", where=lambda d: d["event"] == "claimed")
    assert claimed.data["adaptation_id"] == adaptation_id
    reporter_live.saw("mine", where=lambda d: d["action"] == "claim")
    missed_from = reporter_live.last_id
    reporter_live.close()

    # Presence: the editor has the adaptation open on web #2, the adaptor on web #1; each sees the other.
    watch = f"?adaptation={adaptation_id}"
    editor_page = stream(web2, editor, watch)
    adaptor_page = stream(web1, adaptor, watch)
    adaptor_page.next("presence", where=lambda d: [p["name"] for p in d["people"]] == ["Rima Haddad"])
    editor_page.next("presence", where=lambda d: [p["name"] for p in d["people"]] == ["Nadine Sassine"])

    # The adaptor saves through web #1: the editor's page on web #2 is told who saved which version.
    saved = adaptor.save(adaptation_id, "The headline", "This is the story. And a second sentence.")
    notice = editor_page.next("adaptation", where=lambda d: d["change"] == "saved")
    assert notice.data["version"] == saved["version"]
    assert notice.data["actor"]["name"] == "Nadine Sassine"

    # The adaptor closes the page: the editor's presence list empties (at the server's next heartbeat).
    adaptor_page.close()
    editor_page.next("presence", timeout=15, where=lambda d: d["people"] == [])

    # While the reporter is away the adaptor submits; the reporter reconnects to the *other* process with
    # Last-Event-ID and gets what was missed, and nothing from before.
    adaptor.act(adaptation_id, "submit")
    editor_page.next("adaptation", where=lambda d: d["change"] == "action" and d["state"] == "in_review")
    time.sleep(0.5)
    back = stream(web1, reporter, last_event_id=missed_from)
    replayed = back.next("mine", where=lambda d: d["action"] == "submit")
    assert replayed.data["adaptation_id"] == adaptation_id
    assert [e.kind for e in back.received if e.kind in ("notification", "mine")] == ["mine"]
    back.close()
    editor_page.close()


def test_a_stream_needs_a_person(two_webs):
    from tests.support.live import Http

    answer = Http(two_webs.web2).get("/api/v1/events")
    assert answer.status == 401 and answer.json["error"]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, argos_dir):
    """The embedded default: one `adaptdesk serve` process on SQLite, no Redis (the data folder's SQLite bus)."""
    stack, drop = _build_stack(tmp_path_factory, argos_dir, broker=None, db_kind="sqlite")
    stack.env.update({"ADAPTDESK_LIVE_HEARTBEAT": "1"})
    try:
        stack.start_web()
        stack.people = {
            "reporter": stack.user("reporter", "Ahmad Abdallah", "reporter"),
            "editor": stack.user("editor", "Rima Haddad", "editor"),
            "editor2": stack.user("editor2", "Omar Khalil", "editor"),
        }
        yield stack
    finally:
        stack.stop_all()
        drop()


def test_the_embedded_default_is_live_within_its_process(embedded):
    reporter, editor, editor2 = (embedded.people[p] for p in ("reporter", "editor", "editor2"))
    desk = stream(embedded.base_url, editor, "?desk=1")
    created = reporter.post("/api/v1/articles", ORIGINAL)
    assert created.status == 201, created.json
    adaptation_id = created.json["adaptations"][0]["id"]
    told = desk.next("desk", where=lambda d: d["action"] == "create")
    assert told.data["adaptation_id"] == adaptation_id and told.data["state"] == "queued"
    desk.close()

    # Presence and a revised original, on the one process.
    watch = f"?adaptation={adaptation_id}"
    first = stream(embedded.base_url, editor, watch)
    second = stream(embedded.base_url, editor2, watch)
    first.next("presence", where=lambda d: [p["name"] for p in d["people"]] == ["Omar Khalil"])
    second.next("presence", where=lambda d: [p["name"] for p in d["people"]] == ["Rima Haddad"])
    article_id = created.json["id"]
    revised = reporter.put(f"/api/v1/articles/{article_id}", {"body": "نص منقح للخبر. وجملة أخرى."})
    assert revised.status in (200, 201), revised.json
    changed = first.next("adaptation", where=lambda d: d["change"] == "source")
    assert changed.data["revision"] == 2 and changed.data["actor"]["name"] == "Ahmad Abdallah"
    first.close()
    second.close()


def test_the_embedded_worker_s_draft_reaches_the_open_pages(embedded):
    """The worker is another process: its draft ready reaches the web process's streams through the SQLite bus."""
    reporter = embedded.people["reporter"]
    mine = stream(embedded.base_url, reporter)
    embedded.start_worker("worker")
    try:
        created = reporter.post("/api/v1/articles", ORIGINAL)
        assert created.status == 201, created.json
        adaptation_id = created.json["adaptations"][0]["id"]
        # (The first test's original, queued before any worker ran, is drafted too.)
        ready = mine.next(
            "mine",
            timeout=90,
            where=lambda d: d["adaptation_id"] == adaptation_id and d["state"] == "draft_ready",
        )
        assert ready.data["action"] == "draft-ready"
        mine.saw(
            "mine", where=lambda d: d["adaptation_id"] == adaptation_id and d["action"] == "draft-started"
        )
    finally:
        mine.close()
        embedded.stop("worker")
