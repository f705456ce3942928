"""Workers take urgent drafts first: the queues they consume, in order, and Redis told to keep that order."""

from __future__ import annotations

from workflow.cli import worker_argv
from workflow.config import Settings
from workflow.jobs import DUTIES_QUEUE, JOBS_QUEUE, celery_config
from workflow.services.outbox import URGENT_QUEUE


def test_a_worker_consumes_duties_then_urgent_drafts_then_the_rest():
    argv = worker_argv(Settings.from_env({}), 1, "info")
    assert argv[argv.index("-Q") + 1] == f"{DUTIES_QUEUE},{URGENT_QUEUE},{JOBS_QUEUE}"


def test_on_redis_the_worker_takes_from_its_queues_in_the_order_listed_not_in_turn():
    config = celery_config(Settings.from_env({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}))
    assert config["broker_transport_options"]["queue_order_strategy"] == "priority"
