"""Public lists kept in memory: written once, served again until the desk does something or a minute passes.

The site's lists (the index, a section, a tag, a search, a person's page, the feed) are the same for every
visitor without a login, and the site already lets browsers and shared caches keep them for a minute
(`Cache-Control: public, max-age=60`). A newsroom without a cache in front of it wrote each one again at every
visit: a story going round brings hundreds of readers a second to the same index page. Each web process keeps
the pages it wrote — within a memory budget, least recently served out first — and serves one again while it is
younger than its max-age **and** nothing has been recorded in any adaptation's history since it was written:
every publication, correction, unpublication, withdrawal and scheduled publication records a step there, so a
list never shows a story that left the site, or misses one that arrived, once the step is committed. Changes
recorded nowhere in the history (a person's new name on a byline, the week's most read) show within the
minute, as they would through any cache in front; so does, rarely, a step whose transaction commits after a
later-numbered one (two desk steps at the same instant: the greatest id does not move when the earlier
commits).

Knowing whether anything happened costs one indexed read (`max(history.id)`), where writing the page costs
its queries and rendering. ADAPTDESK_PAGE_CACHE_MB bounds the memory a process gives them (0: no cache); a
page larger than a quarter of it (a feed of long stories on a small budget) is written at every request.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, Response, current_app, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import HistoryEntry

#: Where the app keeps its page cache (`app.extensions`).
EXTENSION = "adaptdesk_page_cache"


def desk_generation(session: Session) -> int:
    """A number that grows whenever any adaptation's history gets a step (0 for none yet)."""
    return session.scalar(select(func.max(HistoryEntry.id))) or 0


@dataclass(frozen=True)
class KeptPage:
    """A page as its view wrote it, and when and after which step of the desk."""

    generation: int
    written: float
    max_age: float
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class PageCache:
    """Pages of at most `max_bytes` in all, the least recently served dropped first; safe to share between
    threads."""

    def __init__(self, max_bytes: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max_bytes
        self.clock = clock
        self.size = 0  #: bytes of the pages kept
        self._pages: OrderedDict[str, KeptPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, generation: int) -> KeptPage | None:
        """The page kept under `key`, if it was written after the desk's last step and is still fresh."""
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.generation != generation or self.clock() - page.written >= page.max_age:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: KeptPage) -> bool:
        """Keep a page, dropping the least recently served beyond `max_bytes`; False when it is too large to
        keep (over a quarter of them)."""
        if len(page.body) > self.max_bytes // 4:
            return False
        with self._lock:
            self._drop(key)
            self._pages[key] = page
            self.size += len(page.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self._pages)))
        return True

    def _drop(self, key: str) -> None:
        page = self._pages.pop(key, None)
        if page is not None:
            self.size -= len(page.body)

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._pages)


def init_page_cache(app: Flask) -> None:
    """Give the app its page cache (none when ADAPTDESK_PAGE_CACHE_MB is 0)."""
    megabytes = app.config["ADAPTDESK"].page_cache_mb
    app.extensions[EXTENSION] = PageCache(megabytes * 1024 * 1024) if megabytes else None


def kept_for_visitors(max_age: float, visitor: Callable[[], bool]) -> Callable:
    """Decorate a public view: for a visitor (`visitor()` true: no login), a GET is answered from the cache
    when it can be, and a page the view writes with 200 is kept for `max_age` seconds."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            cache: PageCache | None = current_app.extensions.get(EXTENSION)
            if cache is None or request.method != "GET" or not visitor():
                return view(*args, **kwargs)
            key = request.full_path
            generation = desk_generation(db.session)
            page = cache.get(key, generation)
            if page is not None:
                return Response(page.body, status=page.status, headers=list(page.headers))
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.is_streamed:
                cache.put(
                    key,
                    KeptPage(
                        generation=generation,
                        written=cache.clock(),
                        max_age=max_age,
                        status=response.status_code,
                        headers=tuple(response.headers.items()),
                        body=response.get_data(),
                    ),
                )
            return response

        return wrapped

    return decorate
