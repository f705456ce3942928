"""A real webhook receiver for tests: an HTTP server on 127.0.0.1 in a thread, recording what it is sent and
answering with the statuses a test scripts (per path; 200 once the script runs out)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    """One request as the receiver got it: path, headers (as sent) and the raw body."""

    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """An HTTP server on 127.0.0.1 (a free port) recording every request; use as a context manager."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.scripts: dict[str, list[int]] = defaultdict(list)
        self.redirects: dict[str, str] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                    script = receiver.scripts[self.path]
                    status = script.pop(0) if script else 200
                self.send_response(status)
                if self.path in receiver.redirects:
                    self.send_header("Location", receiver.redirects[self.path])
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        """The address of `path` on this receiver."""
        return f"http://{host}:{self.port}{path}"

    def answer(self, path: str, *statuses: int) -> None:
        """Answer the next requests to `path` with these statuses, in order (then 200)."""
        self.scripts[path].extend(statuses)

    def to(self, path: str) -> list[Received]:
        """What `path` was sent so far."""
        with self._lock:
            return [r for r in self.received if r.path == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 60) -> list[Received]:
        """Wait until `path` got `count` requests; returns them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.to(path)
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError(f"{path} got {len(self.to(path))} request(s), expected {count}")

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
