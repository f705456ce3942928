"""The Celery app, bound to the Flask app inside the factory (Flask's Celery pattern), and what a worker
does besides running tasks.

The tasks live in `workers.tasks`, which only a worker imports (Celery's `include`, by module name); the
web app, the CLI and the services send jobs by task name (workflow.services.outbox), so nothing in
workflow/ imports workers/.

Periodic duties (workflow.services.duties: relay draft jobs, re-queue drafts once a model serves them, publish
scheduled adaptations) are Celery tasks sent by Celery's own beat. Every `adaptdesk worker` embeds one (a
child process of its main process) unless `--no-duties`; its scheduler, `LockedScheduler`, keeps the schedule
in memory and sends a due duty only when this worker wins the duty's lock row for the round, so N workers
send each duty once per period, and when the winner dies another wins the next round. The duties run on a
queue of their own with an expiry, so one sent behind a queue of drafts neither waits for all of them nor
piles up.

On SIGTERM a worker's main process tells its pool processes, whose draft in progress then goes back to the
queue at once. Each pool process, once forked, drops the database connections it inherited and loads its
translation models (never the main process: a CTranslate2 model loaded before a fork hangs).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import threading
from typing import ClassVar

from celery import Celery, Task, bootsteps
from celery import current_app as current_celery
from celery.beat import ScheduleEntry, Scheduler
from celery.signals import beat_embedded_init, worker_init, worker_process_init
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from .config import ConfigError, Settings
from .embedded_broker import POLL_SECONDS, WATCHED_POLL_SECONDS
from .extensions import db
from .file_watch import FileWatch
from .mt.engine import engine_for
from .services.duties import DUTY_TASKS, duty_periods, win_round
from .services.outbox import URGENT_QUEUE

log = logging.getLogger(__name__)

#: The module of thin tasks a worker imports; named, not imported, so workflow/ never imports workers/.
TASKS_MODULE = "workers.tasks"
#: The embedded (SQLite) broker's transport, and how long a job waits at most for it to be looked at.
EMBEDDED_TRANSPORT = "workflow.embedded_broker:Transport"
EMBEDDED_POLL_SECONDS = POLL_SECONDS
#: The queue of draft jobs (and of anything sent without a route).
JOBS_QUEUE = "adaptdesk"
#: The queue of the periodic duties, which every worker consumes too: a duty waits for the next free pool
#: process, not behind every draft queued before it.
DUTIES_QUEUE = "adaptdesk-duties"
#: The queues every worker consumes, in the order it takes jobs from them: the short periodic duties, then
#: urgent adaptations' drafts, then everything else. On Redis the order is strict (kombu's "priority"
#: queue order); the embedded SQLite broker takes from each queue in turn, so an urgent draft waits for at
#: most one other job per pool process there.
WORKER_QUEUES = (DUTIES_QUEUE, URGENT_QUEUE, JOBS_QUEUE)
#: The scheduler of every beat, embedded in a worker or not.
SCHEDULER = "workflow.jobs:LockedScheduler"
#: What `ps -o comm` and `top` show for a worker's embedded beat process (at most 15 characters).
BEAT_PROCESS_NAME = "adaptdesk-beat"


def celery_config(settings: Settings) -> dict:
    """Celery settings derived from Adaptdesk's settings (one place for configuration)."""
    config = {
        "broker_url": settings.broker_url,
        "result_backend": settings.result_backend,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": JOBS_QUEUE,
        "task_routes": {task: {"queue": DUTIES_QUEUE} for task in DUTY_TASKS.values()},
        "beat_schedule": beat_schedule(settings),
        "beat_scheduler": SCHEDULER,
        "broker_connection_retry_on_startup": True,
        "task_soft_time_limit": settings.draft_timeout_seconds,
        "task_time_limit": settings.draft_timeout_seconds + 60,
        "worker_hijack_root_logger": False,
        "include": [TASKS_MODULE],
    }
    if settings.embedded_broker:
        # kombu's SQLAlchemy transport, polled often and cheaply (workflow.embedded_broker); its URL is the file's.
        config["broker_url"] = settings.broker_url.removeprefix("sqla+")
        config["broker_transport"] = EMBEDDED_TRANSPORT
    else:
        # Unacknowledged jobs come back after this long; it must outlast the hard time limit.
        # Short socket timeouts keep a submission fast when the broker is down (the relay catches up).
        config["broker_transport_options"] = {
            "visibility_timeout": settings.visibility_timeout_seconds,
            # Take from the queues in the order the worker lists them (WORKER_QUEUES), not in turn.
            "queue_order_strategy": "priority",
            "socket_connect_timeout": 3,
            "socket_timeout": 10,
        }
        config["broker_connection_timeout"] = 3
    return config


def beat_schedule(settings: Settings) -> dict:
    """Celery beat's schedule: each duty by its lock's name, every period; a send that waits in the queue
    longer than a period expires (the next round's send replaces it, so sends never pile up)."""
    return {
        name: {"task": DUTY_TASKS[name], "schedule": period, "options": {"expires": period}}
        for name, period in duty_periods(settings).items()
    }


def check_time_limits(config: dict) -> None:
    """Refuse to start when a job could outlive the broker's visibility timeout (it would run twice)."""
    visibility = config.get("broker_transport_options", {}).get("visibility_timeout")
    if visibility is not None and config["task_time_limit"] >= visibility:
        raise ConfigError(
            f"The task time limit ({config['task_time_limit']} s) must stay below the broker's visibility "
            f"timeout ({visibility} s), or a slow draft is delivered to a second worker while the first still "
            "works on it. Lower ADAPTDESK_DRAFT_TIMEOUT or raise ADAPTDESK_VISIBILITY_TIMEOUT."
        )
    if config["task_soft_time_limit"] >= config["task_time_limit"]:
        raise ConfigError("The soft time limit must be below the hard time limit.")


def celery_init_app(app: Flask, settings: Settings) -> Celery:
    """Create the Celery app for `app` (as `app.extensions["celery"]`); every task runs inside its app context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    config = celery_config(settings)
    check_time_limits(config)
    celery.config_from_object(config)
    celery.steps["worker"].add(HandBackDraftsOnStop)
    celery.flask_app = app
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


class HandBackDraftsOnStop(bootsteps.StartStopStep):
    """In a worker's main process: pass a SIGTERM on to the pool processes."""

    requires: ClassVar = {"celery.worker.components:Pool"}

    def stop(self, worker) -> None:
        # Docker (through its init) signals the main process only; the drafts in progress are handed back.
        for pid in pool_processes(worker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


class LockedScheduler(Scheduler):
    """Celery beat's scheduler with the schedule in memory (no file), every duty due at start, and a due
    duty sent only by the beat that wins the duty's lock row for the round (workflow.services.duties)."""

    def __init__(self, app: Celery, *args, **kwargs) -> None:
        kwargs.pop("schedule_filename", None)  # nothing is kept between runs: the lock rows are the memory
        super().__init__(app, *args, **kwargs)
        # An embedded beat is a child of the worker's main process: name the worker, whose pid `ps` shows.
        self.holder = f"{socket.gethostname()} pid {os.getppid()} (beat pid {os.getpid()})"
        self.winning: dict[str, bool] = {}  # by duty: whether this beat sent its last round

    def install_default_entries(self, data) -> None:
        """None: results are not kept, so there is nothing for Celery's own cleanup entry to clean."""

    def setup_schedule(self) -> None:
        """The schedule from the configuration, each entry due at once (a worker starting runs the duties)."""
        super().setup_schedule()
        for entry in self.schedule.values():
            entry.last_run_at = entry.default_now() - entry.schedule.run_every
        if self.schedule:
            log.info(
                "Periodic duties (%s) sent by this worker's beat when it wins their lock",
                ", ".join(
                    f"{name} every {entry.schedule.seconds:g} s" for name, entry in self.schedule.items()
                ),
            )

    def apply_entry(self, entry: ScheduleEntry, producer=None) -> None:
        """Send the entry's task if this beat wins its round; otherwise another beat sends it."""
        try:
            won = self.wins_round(entry)
        except Exception:  # the database blinked: this beat skips the round and offers the next one
            log.exception(
                "Periodic duty %s: its lock could not be taken; next round in %g s",
                entry.name,
                entry.schedule.seconds,
            )
            return
        if self.winning.get(entry.name) != won:  # say who sends it when that changes, not every round
            log.info(
                "Periodic duty %s: %s",
                entry.name,
                "this worker sends it now" if won else "another worker sends it",
            )
            self.winning[entry.name] = won
        if won:
            super().apply_entry(entry, producer=producer)

    def wins_round(self, entry: ScheduleEntry) -> bool:
        """Whether this beat holds the entry's duty for the round that starts now (commits)."""
        with self.app.flask_app.app_context():
            try:
                won = win_round(db.session, entry.name, self.holder, entry.schedule.seconds)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            return won


@beat_embedded_init.connect
def prepare_embedded_beat(**_kwargs) -> None:
    """In a worker's beat process, once forked: fresh database connections (the parent's stay the parent's),
    and a name of its own, to tell it from the pool processes."""
    if db.engine is not None:
        db.engine.dispose(close=False)
    with contextlib.suppress(
        OSError, AttributeError
    ):  # Linux's prctl(PR_SET_NAME); elsewhere it keeps its name
        ctypes.CDLL(None).prctl(15, BEAT_PROCESS_NAME.encode(), 0, 0, 0)


def declare_embedded_queues(celery: Celery, attempts: int = 3) -> None:
    """Create the embedded broker's queue rows once, before the worker's consumer and its embedded beat start.

    kombu's SQLAlchemy transport inserts a queue's row the first time a process uses the queue; two processes
    doing it at once (the consumer and the beat sending a duty) make one fail on the unique name, which stopped
    a starting worker. Once the rows exist nobody inserts them again. The transport keeps its session (in a read
    transaction, which would lock SQLite's writers out) and a class-wide engine: both are let go here, before
    the worker forks its pool and its beat."""
    for attempt in range(attempts):
        try:
            with celery.connection_for_write() as connection:
                channel = connection.default_channel
                try:
                    for queue in WORKER_QUEUES:
                        channel.queue_declare(queue=queue)
                finally:
                    if getattr(channel, "_session", None) is not None:
                        channel._session.close()
                    engines = getattr(type(channel), "_engines", {})
                    for engine, _sessions in engines.values():
                        engine.dispose()
                    engines.clear()
            return
        except IntegrityError:  # another process inserted the same row first: it is there on the next try
            if attempt == attempts - 1:
                raise


@worker_init.connect
def prepare_worker(sender=None, **_kwargs) -> None:
    """In a worker's main process, before it consumes: the embedded broker's queues exist."""
    app = getattr(sender, "app", None)
    if app is not None and app.conf.broker_transport == EMBEDDED_TRANSPORT:
        declare_embedded_queues(app)
        log.info("Embedded broker: %s", embedded_wakeups(app))


def embedded_wakeups(app: Celery) -> str:
    """How the worker learns of a job sent to the embedded broker, in words for its log."""
    path = make_url(app.conf.broker_url).database
    watch = FileWatch(path)
    watched = watch.active
    watch.close()
    if watched:
        return f"woken by each write to {path} (and looking every {WATCHED_POLL_SECONDS:g} s in case one is missed)"
    return f"looking for new jobs every {EMBEDDED_POLL_SECONDS:g} s"


def pool_processes(worker) -> list[int]:
    """Pids of the worker's pool processes (none for a pool without processes)."""
    try:
        return list(worker.pool.info.get("processes", []))
    except AttributeError:
        return []


@worker_process_init.connect
def prepare_pool_process(**_kwargs) -> None:
    """In each pool process, once forked: fresh database connections, and the installed models loading on a
    thread of their own. (SIGTERM is set up by the draft task: workflow.services.draft_lease.)"""
    if db.engine is not None:
        db.engine.dispose(close=False)  # the parent's connections stay the parent's
    app: Flask | None = getattr(current_celery, "flask_app", None)
    if app is not None:
        settings: Settings = app.config["ADAPTDESK"]
        threading.Thread(target=warm_models, args=(settings,), name="warm-models", daemon=True).start()


def warm_models(settings: Settings) -> None:
    """Load the installed models this process will translate with, within ADAPTDESK_MT_WARM_MB."""
    budget = settings.mt_warm_mb * 1_000_000
    if budget <= 0:
        return
    loaded = engine_for(settings).warm(budget)
    log.info(
        "Pool process %s (%s) loaded %s",
        os.getpid(),
        socket.gethostname(),
        ", ".join(pair.code for pair in loaded) or "no translation model (none installed)",
    )
