"""Live stacks for worker tests: a web process and real Celery workers on Redis or the embedded broker."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import redis

from tests.conftest import database_kind
from tests.support.live import LiveStack, free_port, new_database, stack_env

#: Redis database the worker tests use; flushed before and after each stack, never the shared default 0.
TEST_REDIS_DB = int(os.environ.get("ADAPTDESK_TEST_REDIS_DB", "13"))
REDIS_BASE = os.environ.get("ADAPTDESK_TEST_REDIS", "redis://127.0.0.1:6379")


def _build_stack(tmp_path_factory, argos_dir, *, broker: str | None, db_kind: str):
    data_dir = tmp_path_factory.mktemp("live")
    database_url, drop = new_database(db_kind, data_dir)
    stack = LiveStack(stack_env(data_dir, database_url, broker, argos_dir), data_dir, free_port())
    return stack, drop


@contextmanager
def redis_newsroom(
    tmp_path_factory, argos_dir, *, env: dict[str, str] | None = None, second_web: bool = False
):
    """Web (and a second web process, `stack.web2`, when asked) + one worker on the real Redis and the run's
    database kind, with `env` on top; people: reporter, adaptor, editor."""
    broker = f"{REDIS_BASE}/{TEST_REDIS_DB}"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    stack, drop = _build_stack(tmp_path_factory, argos_dir, broker=broker, db_kind=database_kind())
    stack.env.update(env or {})
    try:
        stack.start_web()
        if second_web:
            stack.web2 = stack.start_second_web()
        stack.start_worker()
        stack.people = {
            "reporter": stack.user("reporter", "Ahmad Abdallah", "reporter"),
            "adaptor": stack.user("adaptor", "Nadine Sassine", "adaptor"),
            "editor": stack.user("editor", "Rima Haddad", "editor"),
        }
        yield stack
    finally:
        stack.stop_all()
        client.flushdb()
        client.close()
        drop()


@pytest.fixture(scope="module")
def redis_stack(tmp_path_factory, argos_dir):
    """Web + one worker on the real Redis and the run's database kind; people: reporter, adaptor, editor."""
    with redis_newsroom(tmp_path_factory, argos_dir) as stack:
        yield stack
