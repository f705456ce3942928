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
