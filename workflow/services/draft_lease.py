"""A draft attempt's lease while a worker translates it: a heartbeat thread renews it every few seconds, and
the job stops at its next checkpoint when the lease was lost (a newer attempt took over) or when the worker
was asked to stop (a deploy's SIGTERM), so the job goes back to the queue at once instead of waiting for
its lease to lapse.

Like the outbox, the heartbeat commits: it renews the lease in a short session of its own, on its own
thread, while the task's session holds no transaction (the model works between checkpoints).
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from sqlalchemy.orm import Session, sessionmaker

from .drafts import LeaseLost, renew_lease

log = logging.getLogger(__name__)

#: Set in a worker process once it was asked to stop (SIGTERM); a draft in progress is then handed back.
stop_requested = threading.Event()
#: Set while this process translates a draft (between a Heartbeat's start and end).
_drafting = threading.Event()
_previous_sigterm = signal.SIG_DFL


def request_stop() -> None:
    """Ask the draft in progress in this process to hand its job back at its next checkpoint."""
    stop_requested.set()


def listen_for_stop() -> None:
    """Make SIGTERM hand the draft in progress back instead of ending the process mid-draft; an idle process
    still ends as before. Called by the draft task: billiard resets signal handlers after Celery's process
    initializer, so a pool process cannot set this up earlier."""
    global _previous_sigterm
    current = signal.getsignal(signal.SIGTERM)
    if current is _on_sigterm:
        return
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (an eager call in a test): nothing to listen for
        return
    _previous_sigterm = current


def _on_sigterm(signum, frame) -> None:
    if _drafting.is_set():
        request_stop()
    elif callable(_previous_sigterm):
        _previous_sigterm(signum, frame)
    else:  # the default: end the process
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


class WorkerStopping(Exception):
    """The worker process is stopping: the draft in progress is handed back to the queue."""


class Heartbeat:
    """Renews one attempt's lease every `interval` seconds on a thread of its own, while in a `with` block."""

    def __init__(self, session_factory: sessionmaker, draft_id: int, attempt: int, interval: float) -> None:
        self.session_factory = session_factory
        self.draft_id, self.attempt, self.interval = draft_id, attempt, interval
        self.lost = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"draft-{draft_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        _drafting.set()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        _drafting.clear()
        self._done.set()
        self._thread.join(timeout=self.interval + 30)

    def check(self) -> None:
        """Raise LeaseLost if a newer attempt took the draft over, WorkerStopping if the worker is stopping."""
        if self.lost:
            raise LeaseLost(self.draft_id, self.attempt)
        if stop_requested.is_set():
            raise WorkerStopping(f"draft {self.draft_id}: the worker is stopping")

    def beat(self) -> bool:
        """Renew the lease once; False when another attempt holds it (a database error is only logged)."""
        session: Session = self.session_factory()
        try:
            held = renew_lease(session, self.draft_id, self.attempt)
            session.commit()
        except Exception as exc:  # noqa: BLE001 - a blink of the database: the next beat tries again
            session.rollback()
            log.warning("draft %s: could not renew its lease: %s", self.draft_id, exc)
            return True
        finally:
            session.close()
        if not held:
            self.lost = True
            log.warning("draft %s: attempt %s lost its lease to a newer attempt", self.draft_id, self.attempt)
        return held

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            if not self.beat():
                return
