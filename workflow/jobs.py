"""The Celery app, bound to the Flask app inside the factory (Flask's Celery pattern).

The tasks live in `workers.tasks`, which only a worker imports (Celery's `include`, by module name); the
web app, the CLI and the services send jobs by task name (workflow.services.outbox), so nothing in
workflow/ imports workers/.
"""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from .config import ConfigError, Settings

#: The module of thin tasks a worker imports; named, not imported, so workflow/ never imports workers/.
TASKS_MODULE = "workers.tasks"


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
        "beat_schedule": {
            "relay-draft-jobs": {"task": "adaptdesk.relay", "schedule": settings.relay_interval_seconds},
            "publish-due": {"task": "adaptdesk.publish_due", "schedule": 60.0},
        },
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
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
