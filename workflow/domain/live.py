"""The live desk's wire format: Server-Sent Events, their ids, and who else has an adaptation open. Plain Python.

One connection to `GET /api/v1/events` reads up to three event logs ("streams"), each an ordered, bounded
backlog whose entries carry ids of the form `<milliseconds>-<sequence>` (Redis stream ids; the in-process
fallback makes ids of the same form):

    u   the person's own stream: their new notifications, their unread count, changes to what they hold or reported
    a   one adaptation's stream (when the page watches one): saved as version N, the original revised, actions
    d   the desk stream (queue and review pages): every adaptation whose state changed

An SSE event's `id` is the *cursor* of the connection after that event: where it stands in each stream, as
`u:1733390000000-0,a:1733390000123-1`. The browser's EventSource sends the last one back as `Last-Event-ID` when
it reconnects, and the stream starts after it in each log, so nothing committed in between is missed (as long
as it is still in the bounded backlog).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

#: The streams a connection may read, in the order the cursor lists them.
STREAMS = ("u", "a", "d")
#: One stream id: milliseconds, a dash, a sequence number.
_STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")
#: A Last-Event-ID longer than this is not one of ours (three ids and their names fit in under 150).
MAX_CURSOR_CHARS = 200


def stream_id(text: str) -> tuple[int, int] | None:
    """`"1733390000000-3"` as (milliseconds, sequence); None if it is not a stream id."""
    if not _STREAM_ID.fullmatch(text):
        return None
    ms, _, seq = text.partition("-")
    return int(ms), int(seq)


def next_stream_id(last: tuple[int, int], now_ms: int) -> tuple[int, int]:
    """The id after `last` at `now_ms` (a clock that went back keeps counting on the last millisecond)."""
    return (now_ms, 0) if now_ms > last[0] else (last[0], last[1] + 1)


def format_id(ident: tuple[int, int]) -> str:
    """(milliseconds, sequence) as a stream id."""
    return f"{ident[0]}-{ident[1]}"


def encode_cursor(cursor: Mapping[str, str]) -> str:
    """Where a connection stands in each of its streams, as one SSE id (`u:…,a:…`)."""
    return ",".join(f"{name}:{cursor[name]}" for name in STREAMS if name in cursor)


def parse_cursor(text: str | None, streams: Iterable[str]) -> dict[str, str]:
    """A Last-Event-ID back as {stream: id} for the streams this connection reads; parts that are malformed, or
    name streams it does not read, are dropped (that stream then starts from now or from `since`)."""
    wanted = set(streams)
    found: dict[str, str] = {}
    if not text or len(text) > MAX_CURSOR_CHARS:
        return found
    for part in text.split(","):
        name, _, ident = part.strip().partition(":")
        if name in wanted and name not in found and stream_id(ident) is not None:
            found[name] = ident
    return found


def since_id(since_ms: int) -> str:
    """The stream id just before anything written at or after `since_ms` (a page's render time)."""
    return f"{max(since_ms - 1, 0)}-{2**63 - 1}" if since_ms > 0 else "0-0"


def _json(data: Any) -> str:
    # json.dumps never writes a raw newline, so the payload is always one `data:` line.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def format_event(kind: str, data: Any, event_id: str | None = None) -> str:
    """One SSE event: `id:` (if any), `event:` and one `data:` line of JSON, ended by a blank line."""
    if "\n" in kind or "\r" in kind or (event_id and ("\n" in event_id or "\r" in event_id)):
        raise ValueError("SSE fields cannot hold line breaks")
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {_json(data)}\n\n"


def format_comment(text: str = "") -> str:
    """An SSE comment line (a heartbeat: keeps proxies from closing the idle connection; browsers ignore it)."""
    return f": {' '.join(text.split())}\n\n"


def format_retry(milliseconds: int) -> str:
    """The `retry:` field: how long the browser waits before it reconnects once the stream ends."""
    return f"retry: {int(milliseconds)}\n\n"


def others_present(members: Iterable[Mapping[str, Any]], me: int) -> list[dict[str, Any]]:
    """Everyone with the page open except `me`, each person once (however many tabs), sorted by name."""
    people: dict[int, dict[str, Any]] = {}
    for member in members:
        person_id = member.get("id")
        if isinstance(person_id, int) and person_id != me:
            people.setdefault(person_id, {"id": person_id, "name": str(member.get("name", ""))})
    return sorted(people.values(), key=lambda p: (p["name"].casefold(), p["id"]))


def change_of(action: str) -> str:
    """What an adaptation's history entry tells its watchers: `source` (the original was revised) or `action`."""
    return "source" if action in ("source-revised", "redraft") else "action"
