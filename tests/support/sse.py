"""Reading Server-Sent Events as a browser's EventSource does: blocks of `field: value` lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class SseEvent:
    """One dispatched event (comments dropped); `data` is parsed JSON."""

    kind: str
    data: Any
    id: str | None


def parse_sse(text: str) -> tuple[list[SseEvent], dict[str, Any]]:
    """The events of a stream's text, and its other fields (`retry`, how many `comments`)."""
    events: list[SseEvent] = []
    extra: dict[str, Any] = {"comments": 0}
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            if not line:
                continue
            if line.startswith(":"):
                extra["comments"] += 1
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
        if "retry" in fields:
            extra["retry"] = int(fields["retry"])
        if "data" in fields:
            events.append(
                SseEvent(fields.get("event", "message"), json.loads(fields["data"]), fields.get("id"))
            )
    return events, extra


class SseReader:
    """Reads one live event stream in a thread, as a browser's EventSource would, and hands its events over."""

    def __init__(self, url: str, token: str, last_event_id: str | None = None, timeout: float = 30) -> None:
        import queue
        import threading
        import urllib.request

        self.events: queue.Queue[SseEvent] = queue.Queue()
        self.received: list[SseEvent] = []
        self.status: int | None = None
        self._stop = threading.Event()
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        request.add_header("Accept", "text/event-stream")
        if last_event_id:
            request.add_header("Last-Event-ID", last_event_id)
        self._response = urllib.request.urlopen(request, timeout=timeout)
        self.status = self._response.status
        self.content_type = self._response.headers.get("Content-Type", "")
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        block: list[str] = []
        try:
            while not self._stop.is_set():
                line = self._response.readline()
                if not line:
                    break
                text = line.decode().rstrip("\n").rstrip("\r")
                if text:
                    block.append(text)
                    continue
                found, _ = parse_sse("\n".join(block) + "\n\n")
                block = []
                for sse_event in found:
                    self.events.put(sse_event)
        except OSError:
            pass
        finally:
            self._response.close()

    def next(self, kind: str, timeout: float = 30, where=lambda data: True) -> SseEvent:
        """The next event of `kind` (whose data passes `where`), skipping others; AssertionError after `timeout`."""
        import queue
        import time

        deadline = time.monotonic() + timeout
        while True:
            try:
                sse_event = self.events.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"no {kind} event within {timeout} s; got {self.received}") from None
            self.received.append(sse_event)
            if sse_event.kind == kind and where(sse_event.data):
                return sse_event

    def saw(self, kind: str, timeout: float = 30, where=lambda data: True) -> SseEvent:
        """An event of `kind` (passing `where`) already received, or the next one."""
        for sse_event in self.received:
            if sse_event.kind == kind and where(sse_event.data):
                return sse_event
        return self.next(kind, timeout, where)

    @property
    def last_id(self) -> str | None:
        """The id the browser would send back as Last-Event-ID (of every event received so far)."""
        import queue

        while True:
            try:
                self.received.append(self.events.get_nowait())
            except queue.Empty:
                break
        return next((e.id for e in reversed(self.received) if e.id), None)

    def close(self) -> None:
        """Stop reading (the server notices at its next heartbeat)."""
        self._stop.set()
