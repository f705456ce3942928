"""Urgent drafts jump the line: a busy worker with a backlog of normal drafts takes urgent submissions' draft
jobs before the backlog, on Redis (strictly: every urgent job before any other) and on the embedded SQLite
broker (which takes from its queues in turn, so urgent and normal jobs alternate while both wait)."""

from __future__ import annotations

import re
import time

import pytest
import redis

from tests.conftest import database_kind
from tests.support.argos_model import sample_arabic_article
from tests.support.live import LiveStack, free_port, new_database, stack_env
from tests.worker.conftest import REDIS_BASE, TEST_REDIS_DB

pytestmark = pytest.mark.worker

#: Normal drafts queued ahead of the urgent one.
BACKLOG = 6


@pytest.fixture(params=["redis", "embedded"])
def busy_stack(request, tmp_path_factory, argos_dir):
    """Web and one worker with a single pool process, on Redis or on the embedded SQLite broker."""
    data_dir = tmp_path_factory.mktemp(f"urgent-{request.param}")
    broker, client = None, None
    if request.param == "redis":
        broker = f"{REDIS_BASE}/{TEST_REDIS_DB}"
        client = redis.Redis.from_url(broker)
        client.flushdb()
    database_url, drop = new_database(database_kind() if broker else "sqlite", data_dir)
    stack = LiveStack(stack_env(data_dir, database_url, broker, argos_dir), data_dir, free_port())
    stack.broker = request.param
    try:
        stack.start_web()
        stack.start_worker(concurrency=1)
        yield stack
    finally:
        stack.stop_all()
        if client is not None:
            client.flushdb()
            client.close()
        drop()


def submit(reporter, seed: int, priority: str = "normal") -> int:
    response = reporter.post(
        "/api/v1/articles",
        {
            "title": "عنوان التقرير",
            "body": sample_arabic_article(40, seed=seed),
            "language": "ar",
            "targets": ["en"],
            "priority": priority,
        },
    )
    assert response.status == 201, response.json
    return response.json["adaptations"][0]["id"]


def started_order(stack) -> list[int]:
    """Draft ids in the order the worker started translating them (first start of each)."""
    order: list[int] = []
    for draft_id in map(int, re.findall(r"draft (\d+): translating", stack.log("worker"))):
        if draft_id not in order:
            order.append(draft_id)
    return order


def test_urgent_submissions_are_drafted_before_the_backlog_of_normal_drafts(busy_stack):
    stack = busy_stack
    reporter = stack.user("reporter", "Ahmad Abdallah", "reporter")
    normal = [submit(reporter, seed) for seed in range(BACKLOG)]
    deadline = time.monotonic() + 60
    while not started_order(stack) and time.monotonic() < deadline:  # the worker is busy with the first
        time.sleep(0.1)
    assert started_order(stack), stack.log("worker")[-3000:]
    busy_with = len(started_order(stack))
    urgent = [submit(reporter, 99, priority="urgent"), submit(reporter, 98, priority="urgent")]
    drafts = {}
    for adaptation_id in [*normal, *urgent]:
        data = stack.wait_for(reporter, adaptation_id, {"draft_ready", "mt_failed"}, timeout=240)
        assert data["state"] == "draft_ready"
        drafts[adaptation_id] = data["draft"]["id"]
    order = started_order(stack)
    normal_drafts = {drafts[a] for a in normal}
    positions = [order.index(drafts[a]) for a in urgent]
    for position in positions:
        # Taken first come, first served, they would start last, with no normal draft after them.
        assert len(normal_drafts & set(order[position + 1 :])) >= BACKLOG - 4, (
            stack.broker,
            order,
            positions,
        )
    if stack.broker == "redis":
        # Strict order: both are the next jobs taken (one more normal job may have started while the first
        # was being submitted); taking from the queues in turn would put a normal job between them.
        assert positions[1] == positions[0] + 1 and positions[0] <= busy_with + 1, (
            order,
            positions,
            busy_with,
        )
