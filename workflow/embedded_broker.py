"""The embedded broker: kombu's SQLAlchemy transport on a SQLite file of the data folder, polled often and cheaply.

kombu's transport looks for a job by taking SQLite's write lock and querying each queue through the ORM, and
sleeps `polling_interval` (kombu's 1 s) when every queue is empty: up to a second added to every draft. Polling
that query often instead costs the worker's main process a few milliseconds of CPU per round, taken from the
drafts translating on the same cores. So this channel first asks SQLite whether any connection committed to the
file since it last found a queue empty (`PRAGMA data_version`, a read of a shared counter): when none did, the
queue is still empty and the round costs next to nothing. A job sent by the web process is a commit, so it is
seen at the next round — at once where the kernel reports the file's writes (workflow.file_watch): the worker then
waits on the file between rounds, and looks every WATCHED_POLL_SECONDS only in case a wake-up was missed.

Selected by Celery's `broker_transport` (workflow.jobs.celery_config); the broker URL is the file's SQLAlchemy URL.
"""

from __future__ import annotations

import sqlite3
import time
from queue import Empty

from kombu.transport import sqlalchemy
from sqlalchemy.engine import make_url

from .file_watch import FileWatch

#: Seconds between rounds of polls when every queue is empty and the file's writes are not reported: a job waits
#: at most this long for a worker.
POLL_SECONDS = 0.02
#: The same where they are reported (a write ends the wait): a round now and then, in case one was missed.
WATCHED_POLL_SECONDS = 0.25


def broker_file(transport) -> str:
    """The SQLite file this transport's connection names."""
    return make_url(transport.client.hostname).database


class Channel(sqlalchemy.Channel):
    """kombu's SQLAlchemy channel, skipping the queue query while the file has not changed."""

    def __init__(self, connection, **kwargs) -> None:
        super().__init__(connection, **kwargs)
        self._watch: sqlite3.Connection | None = None
        self._empty_at: dict[str, int] = {}  # queue -> the file's data version when it was last found empty

    def _data_version(self) -> int:
        """SQLite's count of commits other connections made to the file, as this channel's own connection sees it."""
        if self._watch is None:
            self._watch = sqlite3.connect(broker_file(self.connection), timeout=30, check_same_thread=False)
        return self._watch.execute("PRAGMA data_version").fetchone()[0]

    def _get(self, queue: str):
        # Read before the query: a job committed in between is found by the query, or changes the version.
        version = self._data_version()
        if self._empty_at.get(queue) == version:
            raise Empty()
        try:
            return super()._get(queue)
        except Empty:
            self._empty_at[queue] = version
            raise

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        super().close()


class Transport(sqlalchemy.Transport):
    """The embedded broker's transport: the channel above, polled every POLL_SECONDS, or woken by a write to the
    file and polled every WATCHED_POLL_SECONDS."""

    Channel = Channel
    polling_interval = POLL_SECONDS

    def __init__(self, client, **kwargs) -> None:
        super().__init__(client, **kwargs)
        self._file_watch: FileWatch | None = None

    def _watch_file(self) -> FileWatch:
        """The watch on the broker's file (made once, before the first round: no write after it is missed)."""
        if self._file_watch is None:
            self._file_watch = FileWatch(broker_file(self))
        return self._file_watch

    def drain_events(self, connection, timeout=None):
        """kombu's loop — a round over the queues, then a pause while they are empty — pausing on the file."""
        started = time.monotonic()
        watch = self._watch_file()
        while True:
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                waited = time.monotonic() - started
                if timeout is not None and waited >= timeout:
                    raise TimeoutError() from None
                pause = WATCHED_POLL_SECONDS if watch.active else self.polling_interval
                watch.wait(pause if timeout is None else min(pause, timeout - waited))

    def close_connection(self, connection) -> None:
        if self._file_watch is not None:
            self._file_watch.close()
            self._file_watch = None
        super().close_connection(connection)
