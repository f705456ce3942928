"""Which of this machine's cores the draft jobs are using, so a draft on an idle machine can use them all.

A worker runs one pool process per core, each translating on one thread: under load that is the fastest
way to use the machine. But a single article drafted while the other pool processes wait uses one core of
many. So each draft job holds a slot (one lock file per core, in a folder local to the machine) while it
translates, and looks at how many other slots are free before each batch it sends, and while it waits on a
batch: that many more batches may run at once (the translator's replicas share the model's weights). Under load
every slot is held and each draft keeps to its core, until the queue runs dry and the last drafts spread onto
the cores the others leave.

The slots are `flock` locks: the kernel drops them when their process ends, however it ends (kill -9
included), so a crashed job never leaves a core marked busy. They count the draft jobs of one machine (one
container): workers in several containers sharing a host's cores do not see each other's, so set
ADAPTDESK_MT_PARALLEL=1 there.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

#: Where the slot files live: a folder of this machine's (or container's) own, never a shared volume.
DEFAULT_FOLDER = Path(tempfile.gettempdir()) / f"adaptdesk-core-slots-{os.getuid()}"


def machine_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class CoreSlots:
    """One lock file per core; a draft job holds one while it translates."""

    def __init__(self, cores: int | None = None, folder: Path = DEFAULT_FOLDER) -> None:
        self.cores = cores or machine_cores()
        self.folder = folder

    def _path(self, index: int) -> Path:
        return self.folder / f"core-{index}.lock"

    def _try_lock(self, index: int) -> int | None:
        """An open descriptor holding slot `index`, or None when another job holds it."""
        fd = os.open(self._path(index), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    @contextlib.contextmanager
    def hold(self) -> Iterator[Held]:
        """Hold a free slot for the duration (none when every slot is taken: the job still runs)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        own, fd = None, None
        for attempt in range(2):  # another job probing a slot holds it for an instant: look twice
            if attempt:
                time.sleep(0.01)
            for index in range(self.cores):
                fd = self._try_lock(index)
                if fd is not None:
                    own = index
                    break
            if fd is not None:
                break
        try:
            yield Held(self, own)
        finally:
            if fd is not None:
                os.close(fd)  # closing the descriptor releases the lock

    def free_besides(self, own: int | None) -> int:
        """How many slots no job holds, not counting `own`."""
        free = 0
        for index in range(self.cores):
            if index == own:
                continue
            fd = self._try_lock(index)
            if fd is not None:
                os.close(fd)
                free += 1
        return free


class Held:
    """A job's slot: how many batches it may run at once now."""

    def __init__(self, slots: CoreSlots, own: int | None) -> None:
        self.slots, self.own = slots, own

    def parallel(self, limit: int) -> int:
        """Batches this job may run at once: itself, plus the cores no other job is using, up to `limit`."""
        if limit <= 1 or self.own is None:
            return 1
        return min(limit, 1 + self.slots.free_besides(self.own))
