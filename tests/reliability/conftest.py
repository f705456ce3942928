"""Fault tests run their own redis-server on a free port and stop that one, never the machine's shared server."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis

from tests.conftest import database_kind
from tests.support.live import LiveStack, free_port, new_database, stack_env


class PrivateRedis:
    """A redis-server of the test's own, on a free port, that the test may stop and start."""

    def __init__(self, workdir) -> None:
        self.port, self.workdir, self.process = free_port(), workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1)


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory):
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def redis_running(private_redis):
    """Each test starts with the private Redis up (a test may have stopped it)."""
    if private_redis.process is None:
        private_redis.start()


@pytest.fixture(scope="module")
def fault_stack(tmp_path_factory, private_redis, argos_dir):
    """Web + one worker (running the periodic duties, one engine thread) on the private Redis; relay every 2 s,
    resend after 10 s."""
    tmp_path = tmp_path_factory.mktemp("fault")
    database_url, drop = new_database(database_kind(), tmp_path)
    env = stack_env(tmp_path, database_url, private_redis.url, argos_dir)
    # One engine thread, small batches and a wide beam: a long draft on the tiny model must still be translating
    # when a test kills its worker (with the defaults a 1,000-sentence draft ended between two looks).
    env.update({"ADAPTDESK_MT_PARALLEL": "1", "ADAPTDESK_MT_MAX_BATCH": "8", "ADAPTDESK_MT_BEAM_SIZE": "8"})
    stack = LiveStack(env, tmp_path, free_port())
    try:
        stack.start_web()
        stack.start_worker()
        stack.people = {
            "reporter": stack.user("reporter", "Ahmad Abdallah", "reporter"),
            "adaptor": stack.user("adaptor", "Nadine Sassine", "adaptor"),
        }
        yield stack
    finally:
        stack.stop_all()
        drop()
