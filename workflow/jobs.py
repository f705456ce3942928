"""The Celery app, bound to the Flask app inside the factory (Flask's Celery pattern), and what a worker
does besides running tasks.

The tasks live in `workers.tasks`, which only a worker imports (Celery's `include`, by module name); the
web app, the CLI and the services send jobs by task name (workflow.services.outbox), so nothing in
workflow/ imports workers/.

A worker's main process runs the periodic duties (workflow.services.duties) unless `--no-duties`, and on
SIGTERM tells its pool processes, whose draft in progress then goes back to the queue at once. Each pool
process, once forked, drops the database connections it inherited and loads its translation models (never
the main process: a CTranslate2 model loaded before a fork hangs).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
from typing import ClassVar

from celery import Celery, Task, bootsteps
from celery import current_app as current_celery
from celery.signals import worker_process_init
from flask import Flask

from .config import ConfigError, Settings
from .extensions import db
from .mt.engine import engine_for
from .services.duties import DutyRunner

log = logging.getLogger(__name__)

#: The module of thin tasks a worker imports; named, not imported, so workflow/ never imports workers/.
TASKS_MODULE = "workers.tasks"
#: Seconds between polls of the embedded (SQLite) broker when it is empty: a job waits at most this long.
EMBEDDED_POLL_SECONDS = 0.05
#: Flask config key: False when `adaptdesk worker --no-duties` leaves the periodic duties to other workers.
RUN_DUTIES = "ADAPTDESK_RUN_DUTIES"


def celery_config(settings: Settings) -> dict:
    """Celery settings derived from Adaptdesk's settings (one place for configuration)."""
    config = {
        "broker_url": settings.broker_url,
        "result_backend": settings.result_backend,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": "adaptdesk",
        "broker_connection_retry_on_startup": True,
        "task_soft_time_limit": settings.draft_timeout_seconds,
        "task_time_limit": settings.draft_timeout_seconds + 60,
        "worker_hijack_root_logger": False,
        "include": [TASKS_MODULE],
    }
    if not settings.embedded_broker:
        # Unacknowledged jobs come back after this long; it must outlast the hard time limit.
        # Short socket timeouts keep a submission fast when the broker is down (the relay catches up).
        config["broker_transport_options"] = {
            "visibility_timeout": settings.visibility_timeout_seconds,
            "socket_connect_timeout": 3,
            "socket_timeout": 10,
        }
        config["broker_connection_timeout"] = 3
    return config


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
    celery.steps["worker"].add(WorkerDuties)
    if settings.embedded_broker:
        celery.steps["consumer"].add(PollEmbeddedBrokerOften)
    celery.flask_app = app
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


class WorkerDuties(bootsteps.StartStopStep):
    """In a worker's main process: run the periodic duties, and pass a SIGTERM on to the pool processes."""

    requires: ClassVar = {"celery.worker.components:Pool"}

    def __init__(self, worker, **kwargs) -> None:
        super().__init__(worker, **kwargs)
        self.runner: DutyRunner | None = None

    def start(self, worker) -> None:
        app: Flask = worker.app.flask_app
        if app.config.get(RUN_DUTIES, True):
            self.runner = DutyRunner(app, f"{worker.hostname} pid {os.getpid()}")
            self.runner.start()

    def stop(self, worker) -> None:
        # Docker (through its init) signals the main process only; the drafts in progress are handed back.
        for pid in pool_processes(worker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        if self.runner is not None:
            self.runner.stop()


class PollEmbeddedBrokerOften(bootsteps.StartStopStep):
    """On the embedded broker, look for new jobs every EMBEDDED_POLL_SECONDS instead of kombu's second.

    kombu's SQLAlchemy transport sleeps `polling_interval` (1 s) whenever its table is empty: up to a second
    added to every draft. A poll is one indexed query on a local file, so polling often costs next to
    nothing. (Its transport options cannot set it: the SQLAlchemy transport hands them all to create_engine.)
    """

    requires: ClassVar = {"celery.worker.consumer.connection:Connection"}

    def start(self, consumer) -> None:
        consumer.connection.transport.polling_interval = EMBEDDED_POLL_SECONDS
        log.info(
            "Embedded broker: looking for new jobs every %g s", consumer.connection.transport.polling_interval
        )


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
