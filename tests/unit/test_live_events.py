"""The live desk's wire format and ids (domain.live), and streams over the in-process and SQLite buses
(services.live)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.support.sse import parse_sse
from workflow.domain.live import (
    change_of,
    encode_cursor,
    format_comment,
    format_event,
    format_retry,
    next_stream_id,
    others_present,
    parse_cursor,
    since_id,
    stream_id,
)
from workflow.services.live import MemoryBus, SqliteBus, StreamRequest, event_stream


def test_an_event_is_id_event_and_one_data_line_of_json():
    text = format_event("notification", {"message": "two\nlines", "n": "ع"}, "u:5-0")
    assert text == 'id: u:5-0\nevent: notification\ndata: {"message":"two\\nlines","n":"ع"}\n\n'
    assert format_event("presence", {"people": []}) == 'event: presence\ndata: {"people":[]}\n\n'
    assert format_comment("heart\nbeat") == ": heart beat\n\n"
    assert format_retry(3000) == "retry: 3000\n\n"
    with pytest.raises(ValueError):
        format_event("a\nb", {})


def test_stream_ids_and_the_next_one():
    assert stream_id("1733390000000-3") == (1733390000000, 3)
    assert stream_id("17-") is None and stream_id("x-1") is None and stream_id("1-2-3") is None
    assert next_stream_id((100, 4), 101) == (101, 0)
    assert next_stream_id((100, 4), 100) == (100, 5)
    assert next_stream_id((100, 4), 90) == (100, 5)  # a clock that went back never reuses an id


def test_the_cursor_round_trips_and_drops_what_is_not_ours():
    cursor = {"d": "3-0", "u": "1-0", "a": "2-1"}
    text = encode_cursor(cursor)
    assert text == "u:1-0,a:2-1,d:3-0"
    assert parse_cursor(text, ["u", "a", "d"]) == cursor
    assert parse_cursor(text, ["u"]) == {"u": "1-0"}  # a page that no longer watches the adaptation
    assert parse_cursor("u:1-0,u:9-9,a:bad,zz:1-0", ["u", "a"]) == {"u": "1-0"}
    assert parse_cursor("", ["u"]) == {} and parse_cursor(None, ["u"]) == {}
    assert parse_cursor("u:1-0" + "," * 300, ["u"]) == {}  # longer than any cursor of ours


def test_since_starts_just_before_the_millisecond():
    assert since_id(1000) == f"999-{2**63 - 1}"
    assert stream_id(since_id(1000)) < (1000, 0) < stream_id("1000-1")
    assert since_id(0) == "0-0"


def test_others_present_are_each_person_once_without_me_sorted_by_name():
    members = [
        {"id": 2, "name": "Rima", "token": "a"},
        {"id": 3, "name": "ahmad", "token": "b"},
        {"id": 2, "name": "Rima", "token": "c"},  # a second tab
        {"id": 1, "name": "Me", "token": "d"},
        {"id": "x", "name": "bad"},
    ]
    assert others_present(members, me=1) == [{"id": 3, "name": "ahmad"}, {"id": 2, "name": "Rima"}]


def test_what_a_history_entry_tells_watchers():
    assert change_of("source-revised") == change_of("redraft") == "source"
    assert change_of("claim") == change_of("submit") == "action"


def test_the_memory_bus_keeps_a_bounded_backlog_with_increasing_ids():
    bus = MemoryBus(backlog=3)
    bus.publish([("u:1", "notification", {"n": n}) for n in range(5)])
    found = bus.listen(["u:1"]).read({"u:1": "0-0"})
    assert [data["n"] for _, _, _, data in found] == [2, 3, 4]
    ids = [stream_id(ident) for _, ident, _, _ in found]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert bus.latest(["u:1", "u:2"]) == {"u:1": found[-1][1], "u:2": "0-0"}
    assert bus.listen(["u:1"]).read({"u:1": found[1][1]}) == [found[2]]


def test_the_sqlite_bus_keeps_a_bounded_backlog_with_ids_increasing_across_processes(tmp_path):
    web, worker = SqliteBus(tmp_path / "live.db", backlog=3), SqliteBus(tmp_path / "live.db", backlog=3)
    web.publish([("u:1", "notification", {"n": 0})])
    worker.publish([("u:1", "notification", {"n": n}) for n in range(1, 5)] + [("u:2", "x", {"n": 9})])
    found = web.listen(["u:1"]).read({"u:1": "0-0"})
    assert [data["n"] for _, _, _, data in found] == [2, 3, 4]
    ids = [stream_id(ident) for _, ident, _, _ in found]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert web.latest(["u:1", "u:3"]) == {"u:1": found[-1][1], "u:3": "0-0"}
    assert web.listen(["u:1"]).read({"u:1": found[1][1]}) == [found[2]]
    (other,) = web.listen(["u:2"]).read({"u:2": "0-0"})
    assert stream_id(other[1]) > ids[-1]  # one sequence for the whole file


def test_a_stream_on_the_sqlite_bus_wakes_for_what_another_process_publishes(tmp_path):
    web = SqliteBus(tmp_path / "live.db", backlog=50, poll=0.02)
    worker = SqliteBus(
        tmp_path / "live.db", backlog=50
    )  # another process: it cannot wake the web's listeners
    lines = event_stream(web, StreamRequest(person_id=1, person_name="A"), seconds=30, heartbeat=10)
    publisher = threading.Timer(0.3, worker.publish, [[("u:1", "mine", {"state": "draft_ready"})]])
    publisher.start()
    started = time.monotonic()
    text = _collect(lines, lambda t: "event: mine" in t)
    assert time.monotonic() - started < 5  # woken by the watcher, not by the 10 s heartbeat
    assert [e.kind for e in parse_sse(text)[0]] == ["hello", "mine"]


def test_the_sqlite_bus_wakes_when_the_file_is_written_not_at_its_next_look(tmp_path):
    web = SqliteBus(tmp_path / "live.db", backlog=50, poll=30)  # looks only every 30 s unless woken
    worker = SqliteBus(tmp_path / "live.db", backlog=50)
    lines = event_stream(web, StreamRequest(person_id=1, person_name="A"), seconds=60, heartbeat=30)
    publisher = threading.Timer(0.5, worker.publish, [[("u:1", "mine", {"state": "draft_ready"})]])
    publisher.start()
    started = time.monotonic()
    text = _collect(lines, lambda t: "event: mine" in t, timeout=20)
    assert time.monotonic() - started < 5  # woken by the write, not by a look 30 s on
    assert [e.kind for e in parse_sse(text)[0]] == ["hello", "mine"]


def test_the_sqlite_bus_watches_its_file_only_while_someone_listens(tmp_path):
    web = SqliteBus(tmp_path / "live.db", backlog=50)  # the default looks: it notices within a quarter second
    worker = SqliteBus(tmp_path / "live.db", backlog=50)
    for round_ in range(2):  # the watcher ends with the last listener, and the next listener starts another
        lines = event_stream(web, StreamRequest(person_id=1, person_name="A"), seconds=60, heartbeat=30)
        threading.Timer(0.3, worker.publish, [[("u:1", "mine", {"round": round_})]]).start()
        text = _collect(lines, lambda t, r=round_: f'"round":{r}' in t, timeout=20)  # closes the stream
        assert "event: mine" in text
        _pid, watcher = web._watcher or (None, None)
        if watcher is not None:
            watcher.join(timeout=5)
        assert web._watcher is None  # nobody listens: no thread, no file watch held


def _collect(lines, until, timeout=10.0):
    """Read a stream in a thread until `until(text)` holds; returns the text so far."""
    seen: list[str] = []
    done = threading.Event()

    def run():
        for line in lines:
            seen.append(line)
            if until("".join(seen)):
                break
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(timeout), "".join(seen)
    lines.close()
    return "".join(seen)


def test_a_stream_delivers_what_is_published_then_resumes_from_last_event_id():
    bus = MemoryBus(backlog=50)
    first = event_stream(bus, StreamRequest(person_id=1, person_name="A"), seconds=30, heartbeat=0.2)
    publisher = threading.Timer(0.3, bus.publish, [[("u:1", "notification", {"n": 1}), ("u:2", "x", {})]])
    publisher.start()
    text = _collect(first, lambda t: "event: notification" in t)
    events, extra = parse_sse(text)
    assert extra["retry"] == 3000
    assert [e.kind for e in events] == ["hello", "notification"]  # not the other person's event
    last = events[-1].id
    bus.publish([("u:1", "notification", {"n": 2}), ("u:1", "notification", {"n": 3})])  # while away
    again = event_stream(
        bus, StreamRequest(person_id=1, person_name="A", last_event_id=last), seconds=0, heartbeat=1
    )
    replayed, _ = parse_sse("".join(again))
    assert [e.data.get("n") for e in replayed[1:]] == [2, 3]


def test_a_stream_sends_heartbeats_and_ends_after_its_time():
    bus = MemoryBus(backlog=10)
    started = time.monotonic()
    text = "".join(event_stream(bus, StreamRequest(person_id=1, person_name="A"), seconds=0.5, heartbeat=0.1))
    assert 0.4 < time.monotonic() - started < 3
    assert parse_sse(text)[1]["comments"] >= 3


def _people_shown(text: str) -> list[list[str]]:
    return [[p["name"] for p in e.data["people"]] for e in parse_sse(text)[0] if e.kind == "presence"]


def test_presence_shows_the_others_and_goes_when_a_viewer_leaves():
    bus = MemoryBus(backlog=10)
    rima = event_stream(
        bus, StreamRequest(person_id=1, person_name="Rima", adaptation_id=7), seconds=30, heartbeat=0.2
    )
    seen: list[str] = []
    done = threading.Event()

    def came_and_went() -> bool:
        shown = _people_shown("".join(seen))
        return ["Nadine"] in shown and shown[-1] == [] and shown.index(["Nadine"]) < len(shown) - 1

    def read():
        for line in rima:
            seen.append(line)
            if came_and_went():
                break
        done.set()

    threading.Thread(target=read, daemon=True).start()
    # Nadine's presence would last 30 s (three of her heartbeats): only her leaving removes it sooner.
    nadine = event_stream(
        bus, StreamRequest(person_id=2, person_name="Nadine", adaptation_id=7), seconds=30, heartbeat=10
    )
    next(nadine), next(nadine)  # retry, hello: Nadine has joined
    assert _people_shown(next(nadine)) in ([["Rima"]], [[]])  # Rima's stream may not have joined yet
    deadline = time.monotonic() + 5
    while ["Nadine"] not in _people_shown("".join(seen)) and time.monotonic() < deadline:
        time.sleep(0.05)
    nadine.close()  # the page closed: her presence goes at once
    assert done.wait(5), "".join(seen)
    rima.close()


def test_presence_runs_out_when_a_viewer_vanishes():
    now = [1000.0]
    bus = MemoryBus(backlog=10, clock=lambda: now[0])
    bus.join(7, "tab", {"id": 2, "name": "Nadine"}, ttl=45, announce=True)
    assert bus.present(7) == [{"id": 2, "name": "Nadine"}]
    now[0] += 46
    assert bus.present(7) == []
