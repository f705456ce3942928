"""Process-wide logging: one line per record on stderr, as JSON (production) or text, with the request id.

The request id is the web request's (`g.request_id`, from its X-Request-ID header or made up) and, in a
Celery worker, the one the task was sent with: dispatch passes the submitting request's id as the task's
`request_id` argument, a `task_prerun` handler puts it in a context variable, and a logging filter copies
it onto every record the task logs. One id thus follows a job from the web request to the worker's lines.

The format (json | text) and the level come from `LogSettings` (workflow.config: ADAPTDESK_LOG_FORMAT,
ADAPTDESK_LOG_LEVEL); a Celery worker's --loglevel wins over the level.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

from celery import signals
from flask import Flask, g, has_request_context
from flask.logging import default_handler
from gunicorn.glogging import Logger as GunicornBaseLogger

from .config import LogSettings, Settings

#: The request id of the Celery task this process is running ("" outside a task).
TASK_REQUEST_ID: ContextVar[str] = ContextVar("adaptdesk_task_request_id", default="")
#: (task id, task name) of the Celery task this process is running.
CURRENT_TASK: ContextVar[tuple[str, str] | None] = ContextVar("adaptdesk_current_task", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
#: Attributes every LogRecord has; anything else on a record came from `extra=` and goes into the JSON.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "task_id",
    "task_name",
    "taskName",
}
_HANDLER_MARK = "_adaptdesk_handler"


def current_request_id() -> str:
    """The id of the request being served, or of the request the running Celery task came from (or "")."""
    task_request_id = TASK_REQUEST_ID.get()
    if task_request_id:
        return task_request_id
    if has_request_context():
        return g.get("request_id", "") or ""
    return ""


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request id and, inside a Celery task, the task's id and name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id()
        task = CURRENT_TASK.get()
        if task is not None and not hasattr(record, "task_id"):
            record.task_id, record.task_name = task
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, then task, extras and exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or "",
            "process": record.process,
        }
        if getattr(record, "task_id", None):
            entry["task_id"], entry["task_name"] = record.task_id, record.task_name
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger [request id] message` for people reading a terminal."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", ""):
            record.request_id = "-"
        return super().format(record)


def make_handler(fmt: str, stream: IO[str] | None = None) -> logging.Handler:
    """A stream handler (stderr by default) with the request-id filter and the JSON or text formatter."""
    # sys.__stderr__: a Celery worker later swaps sys.stderr for a proxy that logs; writing to it would loop.
    handler = logging.StreamHandler(stream or sys.__stderr__)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    setattr(handler, _HANDLER_MARK, True)
    return handler


def install_root_handler(settings: LogSettings, stream: IO[str] | None = None) -> logging.Handler:
    """Give the root logger Adaptdesk's handler (once per process) and the level `settings` name."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, _HANDLER_MARK, False):
            return handler
    handler = make_handler(settings.format, stream)
    root.addHandler(handler)
    root.setLevel(settings.level)
    return handler


def configure_logging(app: Flask, settings: Settings) -> None:
    """Set up this process's logging for `app` (web or worker); test apps keep pytest's own log capture."""
    install_celery_hooks(settings.log)
    if app.testing:
        return
    install_root_handler(settings.log)
    # Records from app.logger reach the root handler; Flask's own handler would print them a second time.
    app.logger.removeHandler(default_handler)


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's own lines (start, workers booting or timing out) in Adaptdesk's format, so every line a
    web container prints is JSON in production.

    Use: gunicorn --logger-class workflow.logging_setup.GunicornLogger
    """

    def setup(self, cfg) -> None:
        super().setup(cfg)
        fmt = LogSettings.from_env().format  # gunicorn sets up its logger before any app (or Settings) exists
        for logger in (self.error_log, self.access_log):
            for handler in logger.handlers:
                handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
                handler.addFilter(RequestIdFilter())


# --- Celery: the task's request id on its log lines, and Celery's logging left to us ----------------------


def _task_started(task_id: str | None = None, task: Any = None, kwargs: dict | None = None, **_: Any) -> None:
    request_id = (kwargs or {}).get("request_id") or ""
    TASK_REQUEST_ID.set(str(request_id)[:64])
    CURRENT_TASK.set((task_id or "", getattr(task, "name", "") or ""))


def _task_finished(**_: Any) -> None:
    TASK_REQUEST_ID.set("")
    CURRENT_TASK.set(None)


def install_celery_hooks(settings: LogSettings) -> None:
    """Connect the Celery signal handlers (once per process): request id per task, and logging set up by us."""

    def setup_logging(loglevel: int | str | None = None, **_: Any) -> None:
        # Connected to Celery's setup_logging signal, so Celery adds no handlers of its own (its text lines
        # would not carry the request id); the worker's --loglevel still sets the level.
        install_root_handler(settings)
        if loglevel:
            logging.getLogger().setLevel(loglevel)

    signals.task_prerun.connect(_task_started, weak=False, dispatch_uid="adaptdesk-log-task-started")
    signals.task_postrun.connect(_task_finished, weak=False, dispatch_uid="adaptdesk-log-task-finished")
    signals.setup_logging.connect(setup_logging, weak=False, dispatch_uid="adaptdesk-log-setup")
