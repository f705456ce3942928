"""Waking as soon as another process of this machine writes a SQLite file, instead of at the next poll.

The embedded broker's worker and the SQLite live bus's web processes learn that another process committed to
their file by reading its change counter (`PRAGMA data_version`) between sleeps: a job or an event waited half
a sleep on average, and an idle machine read the counter fifty times a second. On Linux, `FileWatch` asks the
kernel (inotify) to report writes to the file's folder, and `wait` returns as soon as the file, its write-ahead
log or its rollback journal is written — every commit writes one of them. The counter stays the judge of what
changed: a wake-up only says "look now", and a watch that could not be set up (another system, inotify's limits
reached) sleeps the whole timeout, as before.

A write is reported as it is made, which can be a moment before the commit it belongs to is visible: a commit
in write-ahead-log mode writes its pages to the log, then makes them visible in the log's shared-memory index,
which the kernel does not report. So for SETTLE_SECONDS after a write, a wait lasts at most SETTLE_STEP: the
caller looks again until the commit shows.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import select
import struct
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

#: inotify(7): a file was written, or moved in; the watch's queue overflowed. (Not "closed after writing": SQLite
#: opens its files for writing, so every connection closed would wake the watch.)
_IN_MODIFY, _IN_MOVED_TO, _IN_Q_OVERFLOW = 0x2, 0x80, 0x4000
_MASK = _IN_MODIFY | _IN_MOVED_TO
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then `len` bytes of name
#: The files a commit to a SQLite database writes: the database, its WAL, its rollback journal.
_SQLITE_SUFFIXES = ("", "-wal", "-journal")
#: After a write, how long waits stay short, and how short (a commit is visible within microseconds of its last
#: write; these are margins for a busy machine).
SETTLE_SECONDS, SETTLE_STEP = 0.1, 0.002


def _inotify():
    """libc's inotify functions, or None where there are none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        return libc
    except (OSError, AttributeError):
        return None


class FileWatch:
    """Writes to one SQLite database file by any process of this machine, as a wake-up (`wait`).

    Made in the process (and thread) that waits: the descriptor is not shared with forked children."""

    def __init__(self, path: str | os.PathLike) -> None:
        path = Path(path).absolute()
        self.path = path
        self._names = {os.fsencode(path.name + suffix) for suffix in _SQLITE_SUFFIXES}
        self._fd: int | None = None
        self._settled_at = 0.0  #: until when waits stay short (a write was reported just before)
        libc = _inotify()
        if libc is None:
            return
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            log.info("No file watch for %s (%s): polling it", path, os.strerror(ctypes.get_errno()))
            return
        if libc.inotify_add_watch(fd, os.fsencode(path.parent), _MASK) < 0:
            log.info("No file watch for %s (%s): polling it", path, os.strerror(ctypes.get_errno()))
            os.close(fd)
            return
        self._fd = fd

    @property
    def active(self) -> bool:
        """Whether writes wake `wait` (False: it sleeps its whole timeout)."""
        return self._fd is not None

    def wait(self, timeout: float) -> bool:
        """Sleep until the file is written or `timeout` seconds pass (SETTLE_STEP just after a write); True when
        it was written meanwhile (or since the last wait: a write between two waits is not lost)."""
        if self._fd is None:
            time.sleep(timeout)
            return False
        now = time.monotonic()
        deadline = now + (min(timeout, SETTLE_STEP) if now < self._settled_at else timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                readable, _, _ = select.select([self._fd], [], [], remaining)
            except (OSError, ValueError):  # closed by another thread meanwhile
                return False
            if readable and self._written():
                self._settled_at = time.monotonic() + SETTLE_SECONDS
                return True

    def _written(self) -> bool:
        """Read every pending event; whether one was a write to the file (or events were lost)."""
        written = False
        while True:
            try:
                data = os.read(self._fd, 64 * 1024)
            except BlockingIOError:
                return written
            except OSError as exc:
                if exc.errno == errno.EINTR:
                    continue
                return True  # cannot tell: look
            offset = 0
            while offset + _EVENT.size <= len(data):
                _wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
                offset += _EVENT.size + length
                if mask & _IN_Q_OVERFLOW or name in self._names:
                    written = True

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)
