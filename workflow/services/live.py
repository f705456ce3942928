"""The live desk: events published after each commit, read by `GET /api/v1/events`, and who has a page open.

What is published (always after the transaction commits, so a page that reloads on an event finds the change):
- every new notification → the person's stream, with their unread count (`notification`); marking read → `unread`;
- every history entry of an adaptation (a workflow action, a draft ready, the original revised) → the adaptation's
  stream (`adaptation`, change `action` or `source`), the desk stream (`desk`, for queue and review pages), and
  the streams of its reporter and holder (`mine`, for their own lists), never the actor's;
- every save of an adaptation's text → the adaptation's stream (`adaptation`, change `saved`, with the version).

Where it goes: with Redis (REDIS_URL, or a Redis broker) each stream is a Redis stream capped at
ADAPTDESK_LIVE_BACKLOG entries (the backlog a reconnecting browser replays from `Last-Event-ID`), and each write
is announced on a Redis pub/sub channel of the same name, which wakes the connections reading it in every web
process on every machine. Without Redis (the embedded default: one `adaptdesk serve` and its worker on one
machine) the same streams live in a SQLite file of the data folder (`SqliteBus`, `live.db`), which the web
process and the Celery worker's processes all write, so a draft made by the worker reaches the open pages too;
a thread of each web process looks at the file's change counter whenever the kernel reports a write to the
file (workflow.file_watch; else every SQLITE_POLL_SECONDS) and wakes its connections when another process
wrote. Presence stays in the web process's memory there.

Presence: a connection that watches an adaptation is its viewer's presence. It is written with a time to live
(three heartbeats) and renewed at each heartbeat; a connection that closes removes it, one that is cut is
forgotten when the time runs out. Every viewer's stream sends `presence` (the others who have it open) when it
changes.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..config import Settings
from ..domain.live import (
    change_of,
    encode_cursor,
    format_comment,
    format_event,
    format_id,
    format_retry,
    next_stream_id,
    others_present,
    parse_cursor,
    since_id,
    stream_id,
)
from ..domain.notifications import Event, message_for
from ..extensions import db
from ..file_watch import FileWatch
from ..models import Adaptation, HistoryEntry, Notification, User

log = logging.getLogger(__name__)

#: Key of each app's bus in `app.extensions`.
LIVE = "adaptdesk_live"
_NOTED = "adaptdesk_live_noted"  # callables that turn flushed objects into events (read ids after the flush)
_READY = "adaptdesk_live_ready"  # events waiting for the commit
#: The desk stream: every state change, for queue and review pages.
DESK = "desk"
#: How long the browser waits before reconnecting once a stream ends (the `retry:` it is sent).
RETRY_MS = 3000

#: An event to publish: (stream, kind, data).
Item = tuple[str, str, dict[str, Any]]


def person_stream(person_id: int) -> str:
    """The stream of one person's events."""
    return f"u:{person_id}"


def adaptation_stream(adaptation_id: int) -> str:
    """The stream of one adaptation's events."""
    return f"a:{adaptation_id}"


# --- the buses ------------------------------------------------------------------------------------------------


class MemoryBus:
    """Streams, wake-ups and presence in this process's memory: the fallback without Redis."""

    def __init__(self, backlog: int, clock: Callable[[], float] = time.time) -> None:
        self.backlog = backlog
        self.clock = clock
        self._streams: dict[str, deque[tuple[tuple[int, int], str, dict]]] = {}
        self._last = (0, 0)
        self._generation = 0
        self._changed = threading.Condition()
        self._presence: dict[int, dict[str, tuple[float, dict]]] = {}

    def publish(self, items: list[Item]) -> None:
        with self._changed:
            for stream, kind, data in items:
                self._last = next_stream_id(self._last, int(self.clock() * 1000))
                backlog = self._streams.setdefault(stream, deque(maxlen=self.backlog))
                backlog.append((self._last, kind, data))
            self._poke()

    def _poke(self) -> None:
        self._generation += 1
        self._changed.notify_all()

    def latest(self, streams: list[str]) -> dict[str, str]:
        with self._changed:
            return {s: format_id(self._streams[s][-1][0]) if self._streams.get(s) else "0-0" for s in streams}

    def listen(self, streams: list[str]) -> MemoryListener:
        return MemoryListener(self, streams)

    def join(self, adaptation_id: int, token: str, person: dict, ttl: float, *, announce: bool) -> None:
        with self._changed:
            self._presence.setdefault(adaptation_id, {})[token] = (self.clock() + ttl, person)
            if announce:
                self._poke()

    def leave(self, adaptation_id: int, token: str) -> None:
        with self._changed:
            self._presence.get(adaptation_id, {}).pop(token, None)
            self._poke()

    def present(self, adaptation_id: int) -> list[dict]:
        now = self.clock()
        with self._changed:
            members = self._presence.get(adaptation_id, {})
            for token in [t for t, (until, _) in members.items() if until <= now]:
                del members[token]
            return [person for _, person in members.values()]


class MemoryListener:
    """One connection's view of the memory bus."""

    def __init__(self, bus: MemoryBus, streams: list[str]) -> None:
        self.bus, self.streams = bus, streams
        self._seen = bus._generation

    def read(self, cursor: Mapping[str, str]) -> list[tuple[str, str, str, dict]]:
        found = []
        with self.bus._changed:
            self._seen = self.bus._generation
            for stream, after in cursor.items():
                start = stream_id(after) or (0, 0)
                for ident, kind, data in self.bus._streams.get(stream, ()):
                    if ident > start:
                        found.append((stream, format_id(ident), kind, data))
        return found

    def wait(self, timeout: float) -> None:
        with self.bus._changed:
            if self.bus._generation == self._seen:
                self.bus._changed.wait(max(timeout, 0))

    def close(self) -> None:
        pass


#: How often a web process without Redis looks whether another process (a worker) published events, where the
#: kernel does not report the file's writes; and where it does, in case a report was missed.
SQLITE_POLL_SECONDS, SQLITE_WATCHED_POLL_SECONDS = 0.02, 0.25
#: The SQLite bus's file in the data folder.
SQLITE_BUS_FILE = "live.db"


class SqliteBus(MemoryBus):
    """Streams in a SQLite file shared by the processes of one machine (the web process and the worker's), each
    capped at `backlog` events; presence in this process's memory (MemoryBus).

    Publishing appends rows in one write transaction, which also hands out the stream ids (`next_stream_id` over
    the file's last id, so ids increase across processes). Readers select the rows after their cursor. A watcher
    thread, started by the first listener, reads `PRAGMA data_version` (which changes when another connection
    committed) whenever the file is written (every `poll` seconds where writes are not reported) and wakes this
    process's listeners; what this process publishes wakes them at once."""

    SCHEMA = (
        (
            "CREATE TABLE IF NOT EXISTS events (stream TEXT NOT NULL, ms INTEGER NOT NULL, seq INTEGER NOT NULL, "
            "kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (stream, ms, seq))"
        ),
        (
            "CREATE TABLE IF NOT EXISTS last_id (one INTEGER PRIMARY KEY CHECK (one = 1), ms INTEGER NOT NULL, "
            "seq INTEGER NOT NULL)"
        ),
    )

    def __init__(
        self,
        path: Path,
        backlog: int,
        clock: Callable[[], float] = time.time,
        poll: float = SQLITE_POLL_SECONDS,
    ) -> None:
        super().__init__(backlog, clock)
        self.path, self.poll = Path(path), poll
        self._local = threading.local()
        self._watcher: tuple[int, threading.Thread] | None = None
        self._watcher_lock = threading.Lock()
        self._listening = 0  #: this process's open listeners
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = self._connect()  # not kept: a process that forks (the worker's main one) holds none
        try:
            for statement in self.SCHEMA:
                connection.execute(statement)
        finally:
            connection.close()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        # Live events, not records: no flush to disk at each commit.
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA busy_timeout=30000")
        return connection

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection (a forked child opens its own), in autocommit mode: transactions are explicit."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = self._connect()
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def publish(self, items: list[Item]) -> None:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            row = connection.execute("SELECT ms, seq FROM last_id WHERE one = 1").fetchone()
            last = (row[0], row[1]) if row else (0, 0)
            for stream, kind, data in items:
                last = next_stream_id(last, int(self.clock() * 1000))
                connection.execute(
                    "INSERT INTO events (stream, ms, seq, kind, data) VALUES (?, ?, ?, ?, ?)",
                    (stream, last[0], last[1], kind, json.dumps(data)),
                )
            connection.execute("INSERT OR REPLACE INTO last_id (one, ms, seq) VALUES (1, ?, ?)", last)
            for stream in dict.fromkeys(s for s, _, _ in items):
                # Keep the newest `backlog` events of the stream (the oldest kept one, then what is before it).
                connection.execute(
                    "DELETE FROM events WHERE stream = ?1 AND (ms, seq) < (SELECT ms, seq FROM events "
                    "WHERE stream = ?1 ORDER BY ms DESC, seq DESC LIMIT 1 OFFSET ?2)",
                    (stream, self.backlog - 1),
                )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        with self._changed:
            self._poke()

    def latest(self, streams: list[str]) -> dict[str, str]:
        connection = self._connection()
        found = {}
        for stream in streams:
            row = connection.execute(
                "SELECT ms, seq FROM events WHERE stream = ? ORDER BY ms DESC, seq DESC LIMIT 1", (stream,)
            ).fetchone()
            found[stream] = format_id((row[0], row[1])) if row else "0-0"
        return found

    def listen(self, streams: list[str]) -> SqliteListener:
        with self._watcher_lock:
            self._listening += 1
        self._watch()
        return SqliteListener(self, streams)

    def _unlisten(self) -> None:
        with self._watcher_lock:
            self._listening -= 1

    def _watch(self) -> None:
        """Start this process's watcher thread while it has listeners (again in a forked child)."""
        with self._watcher_lock:
            if self._watcher is not None and self._watcher[0] == os.getpid() and self._watcher[1].is_alive():
                return
            thread = threading.Thread(target=self._run_watcher, name="live-sqlite-watcher", daemon=True)
            self._watcher = (os.getpid(), thread)
            thread.start()

    def _still_listened(self) -> bool:
        """Whether the watcher should go on; when nobody listens it ends (its file watch is a limited resource of
        the machine: 128 per user by default), and the next listener starts another."""
        with self._watcher_lock:
            if self._listening > 0:
                return True
            self._watcher = None
            return False

    def _run_watcher(self) -> None:
        writes = FileWatch(self.path)  # before the first look: no write after it is missed
        pause = max(self.poll, SQLITE_WATCHED_POLL_SECONDS) if writes.active else self.poll
        connection = self._connect()
        try:
            seen = None
            while True:
                try:
                    version = connection.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error as exc:  # a blink of the file: look again at the next round
                    log.warning("live events: could not look at %s: %s", self.path, exc)
                    version = seen
                if version != seen:
                    if seen is not None:
                        with self._changed:
                            self._poke()
                    seen = version
                writes.wait(pause)
                if not self._still_listened():
                    return
        finally:
            connection.close()
            writes.close()

    def read_events(self, cursor: Mapping[str, str]) -> list[tuple[str, str, str, dict]]:
        connection = self._connection()
        found = []
        for stream, after in cursor.items():
            start = stream_id(after) or (0, 0)
            for ms, seq, kind, data in connection.execute(
                "SELECT ms, seq, kind, data FROM events WHERE stream = ? AND (ms, seq) > (?, ?) "
                "ORDER BY ms, seq LIMIT 200",
                (stream, *start),
            ):
                found.append((stream, format_id((ms, seq)), kind, json.loads(data)))
        return found


class SqliteListener(MemoryListener):
    """One connection's view of the SQLite bus: woken like a memory listener, reading the file."""

    bus: SqliteBus
    _closed = False

    def read(self, cursor: Mapping[str, str]) -> list[tuple[str, str, str, dict]]:
        with self.bus._changed:
            self._seen = self.bus._generation
        return self.bus.read_events(cursor)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.bus._unlisten()


class RedisBus:
    """Streams in Redis (capped, for replay) announced on pub/sub channels (to wake readers in every process),
    and presence as sorted sets scored by when each viewer's presence runs out."""

    PREFIX = "adaptdesk:live:"
    #: A stream nobody wrote to for this long is dropped (a person away for a week starts afresh).
    STREAM_TTL = 7 * 86400

    def __init__(self, client, backlog: int, clock: Callable[[], float] = time.time) -> None:
        self.client, self.backlog, self.clock = client, backlog, clock

    def publish(self, items: list[Item]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for stream, kind, data in items:
            key = self.PREFIX + stream
            pipe.xadd(key, {"kind": kind, "data": json.dumps(data)}, maxlen=self.backlog, approximate=True)
            pipe.expire(key, self.STREAM_TTL)
        for stream in dict.fromkeys(s for s, _, _ in items):
            pipe.publish(self.PREFIX + stream, "event")
        pipe.execute()

    def latest(self, streams: list[str]) -> dict[str, str]:
        pipe = self.client.pipeline(transaction=False)
        for stream in streams:
            pipe.xrevrange(self.PREFIX + stream, count=1)
        return {
            stream: (found[0][0].decode() if found else "0-0")
            for stream, found in zip(streams, pipe.execute(), strict=True)
        }

    def listen(self, streams: list[str]) -> RedisListener:
        return RedisListener(self, streams)

    def _presence_key(self, adaptation_id: int) -> str:
        return f"{self.PREFIX}presence:{adaptation_id}"

    def join(self, adaptation_id: int, token: str, person: dict, ttl: float, *, announce: bool) -> None:
        key = self._presence_key(adaptation_id)
        pipe = self.client.pipeline(transaction=False)
        pipe.zadd(key, {json.dumps({**person, "token": token}, sort_keys=True): self.clock() + ttl})
        pipe.expire(key, int(ttl) + 1)
        if announce:
            pipe.publish(self.PREFIX + adaptation_stream(adaptation_id), "presence")
        pipe.execute()

    def leave(self, adaptation_id: int, token: str) -> None:
        key = self._presence_key(adaptation_id)
        for member in self.client.zrange(key, 0, -1):
            if json.loads(member).get("token") == token:
                self.client.zrem(key, member)
        self.client.publish(self.PREFIX + adaptation_stream(adaptation_id), "presence")

    def present(self, adaptation_id: int) -> list[dict]:
        key = self._presence_key(adaptation_id)
        pipe = self.client.pipeline(transaction=False)
        pipe.zremrangebyscore(key, "-inf", self.clock())
        pipe.zrange(key, 0, -1)
        return [json.loads(member) for member in pipe.execute()[1]]


class RedisListener:
    """One connection's subscription: pub/sub wakes it, the streams say what happened since its cursor."""

    def __init__(self, bus: RedisBus, streams: list[str]) -> None:
        self.bus = bus
        self.pubsub = bus.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(*(bus.PREFIX + s for s in streams))

    def read(self, cursor: Mapping[str, str]) -> list[tuple[str, str, str, dict]]:
        prefix = self.bus.PREFIX
        found = []
        for key, entries in (
            self.bus.client.xread({prefix + s: i for s, i in cursor.items()}, count=200) or []
        ):
            stream = (key.decode() if isinstance(key, bytes) else key)[len(prefix) :]
            for ident, fields in entries:
                kind, data = fields[b"kind"].decode(), json.loads(fields[b"data"])
                found.append((stream, ident.decode(), kind, data))
        return found

    def wait(self, timeout: float) -> None:
        # Any message means "look again"; the streams, not the message, say what changed.
        if self.pubsub.get_message(timeout=max(timeout, 0.0)) is not None:
            while self.pubsub.get_message(timeout=0) is not None:
                pass

    def close(self) -> None:
        self.pubsub.close()


def init_live(app: Flask, settings: Settings):
    """Give `app` its bus (Redis when configured, else the data folder's SQLite file) and publish every commit's
    events through it."""
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(settings.redis_url, socket_timeout=10, socket_connect_timeout=5)
        bus = RedisBus(client, settings.live_backlog)
    else:
        bus = SqliteBus(settings.data_dir / SQLITE_BUS_FILE, settings.live_backlog)
    app.extensions[LIVE] = bus
    # A page passes the time its request began as `since`: its stream replays what was published from then on,
    # so a change committed while the page was being made, or before its stream opened, is not missed (one
    # committed just before and published just after may be told twice, which is harmless). Stream ids are
    # the Redis server's clock: web machines and Redis keep time by NTP.
    app.before_request(_note_request_start)
    app.add_template_global(lambda: g.get("live_since_ms") or int(time.time() * 1000), "live_since_ms")
    for name, listener in (
        ("after_flush", _resolve_after_flush),
        ("after_commit", _publish_after_commit),
        ("after_rollback", _forget_after_rollback),
    ):
        if not event.contains(db.session_factory, name, listener):
            event.listen(db.session_factory, name, listener)
    return bus


def _note_request_start() -> None:
    g.live_since_ms = int(time.time() * 1000)


def bus_of(app: Flask):
    """The app's live bus (set by the factory)."""
    return app.extensions[LIVE]


# --- what the services note, published after the commit ------------------------------------------------------


def _note(session: Session, make: Callable[[], list[Item]]) -> None:
    session.info.setdefault(_NOTED, []).append(make)


def _person_json(person: User | None) -> dict | None:
    return {"id": person.id, "name": person.display_name} if person is not None else None


def note_history(session: Session, entry: HistoryEntry, adaptation: Adaptation, actor: User | None) -> None:
    """An adaptation's history gained `entry`: tell its watchers, the desk, and its reporter and holder."""
    people = {adaptation.article.reporter_id, adaptation.holder_id} - {None, actor.id if actor else None}
    who = _person_json(actor)

    def make() -> list[Item]:
        # After the flush: the entry has its id, the adaptation its new version.
        brief = {
            "adaptation_id": adaptation.id,
            "action": entry.action,
            "state": entry.to_state,
            "entry": entry.id,
        }
        watched = {
            **brief,
            "change": change_of(entry.action),
            "version": adaptation.version,
            "revision": entry.details.get("revision") if entry.details else None,
            "actor": who,
        }
        items: list[Item] = [(adaptation_stream(adaptation.id), "adaptation", watched), (DESK, "desk", brief)]
        items += [(person_stream(p), "mine", brief) for p in sorted(people)]
        return items

    _note(session, make)


def note_saved(session: Session, adaptation: Adaptation, actor: User) -> None:
    """The adaptation's text was saved (and flushed) by `actor`: tell whoever has it open."""
    data = {
        "adaptation_id": adaptation.id,
        "change": "saved",
        "version": adaptation.version,
        "actor": _person_json(actor),
    }
    session.info.setdefault(_READY, []).append((adaptation_stream(adaptation.id), "adaptation", data))


def note_read(session: Session, person: User) -> None:
    """The person marked notifications read: their other pages update the count."""
    session.info.setdefault(_READY, []).append((person_stream(person.id), "unread", {"user_id": person.id}))


def _resolve_after_flush(session: Session, _context) -> None:
    ready = session.info.setdefault(_READY, [])
    for make in session.info.pop(_NOTED, None) or []:
        ready.extend(make())
    for obj in session.new:
        if isinstance(obj, Notification):
            data = {
                "id": obj.id,
                "event": obj.event,
                "adaptation_id": obj.adaptation_id,
                "message": message_for(Event(obj.event), obj.details or {}),
                "user_id": obj.user_id,
            }
            ready.append((person_stream(obj.user_id), "notification", data))
    if not ready:
        session.info.pop(_READY, None)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_NOTED, None)
    session.info.pop(_READY, None)


def _publish_after_commit(session: Session) -> None:
    items: list[Item] = session.info.pop(_READY, None) or []
    for make in session.info.pop(_NOTED, None) or []:
        items.extend(make())
    if not items or not has_app_context() or LIVE not in current_app.extensions:
        return
    try:
        _add_unread_counts(items)
        bus_of(current_app).publish(items)
    except Exception as exc:  # noqa: BLE001 - the change is committed; a missed live event is not an error
        log.warning("live events not published (%d): %s", len(items), exc)


def _add_unread_counts(items: list[Item]) -> None:
    """Each notification and read event carries its person's unread count as it stands after the commit."""
    people = {data["user_id"] for _, kind, data in items if kind in ("notification", "unread")}
    if not people:
        return
    counts_session = db.session_factory()
    try:
        counts = dict(
            counts_session.execute(
                select(Notification.user_id, func.count(Notification.id))
                .where(Notification.user_id.in_(people), Notification.read_at.is_(None))
                .group_by(Notification.user_id)
            ).all()
        )
    finally:
        counts_session.close()
    for _, kind, data in items:
        if kind in ("notification", "unread"):
            data["unread"] = int(counts.get(data["user_id"], 0))


# --- one connection's stream ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamRequest:
    """What one `GET /api/v1/events` asked for, checked by the handler (the person may see the adaptation)."""

    person_id: int
    person_name: str
    adaptation_id: int | None = None
    desk: bool = False
    last_event_id: str = ""
    since_ms: int | None = None


def event_stream(
    bus,
    request: StreamRequest,
    *,
    seconds: float,
    heartbeat: float,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[str]:
    """The lines of one event stream: `retry:`, a `hello` carrying the cursor, then events as they are
    published, heartbeats (comments) every `heartbeat` seconds, and `presence` when it changes. It ends after
    `seconds` so no worker thread is held for ever; the browser reconnects with Last-Event-ID."""
    streams = {"u": person_stream(request.person_id)}
    if request.adaptation_id is not None:
        streams["a"] = adaptation_stream(request.adaptation_id)
    if request.desk:
        streams["d"] = DESK
    # Subscribe before reading the cursor's starting point: nothing published in between is missed.
    listener = bus.listen(list(streams.values()))
    ended = False
    token = secrets.token_hex(8)
    try:
        known = parse_cursor(request.last_event_id, streams)
        missing = [name for name in streams if name not in known]
        if missing and request.since_ms is not None:
            known.update({name: since_id(request.since_ms) for name in missing})
        elif missing:
            now = bus.latest([streams[name] for name in missing])
            known.update({name: now[streams[name]] for name in missing})
        cursor = dict(known)
        by_stream = {stream: name for name, stream in streams.items()}
        yield format_retry(RETRY_MS)
        yield format_event("hello", {"streams": sorted(streams)}, encode_cursor(cursor))
        me = {"id": request.person_id, "name": request.person_name}
        ttl = 3 * heartbeat
        if request.adaptation_id is not None:
            bus.join(request.adaptation_id, token, me, ttl, announce=True)
        shown: list[dict] | None = None
        start = clock()
        deadline, next_beat = start + seconds, start + heartbeat
        while True:
            for stream, ident, kind, data in listener.read({streams[n]: cursor[n] for n in streams}):
                cursor[by_stream[stream]] = ident
                yield format_event(kind, data, encode_cursor(cursor))
            if request.adaptation_id is not None:
                people = others_present(bus.present(request.adaptation_id), request.person_id)
                if people != shown:
                    shown = people
                    yield format_event("presence", {"adaptation_id": request.adaptation_id, "people": people})
            now = clock()
            if now >= deadline:
                break
            if now >= next_beat:
                yield format_comment("heartbeat")
                next_beat = now + heartbeat
                if request.adaptation_id is not None:
                    bus.join(request.adaptation_id, token, me, ttl, announce=False)
            listener.wait(min(next_beat, deadline) - now)
        # A stream that ran its time leaves its presence to run out: the page is back within `retry`.
        ended = True
    finally:
        listener.close()
        if not ended and request.adaptation_id is not None:
            try:
                bus.leave(request.adaptation_id, token)
            except Exception as exc:  # noqa: BLE001 - presence runs out by itself
                log.info("presence not removed: %s", exc)
