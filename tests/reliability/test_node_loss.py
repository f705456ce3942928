"""No draft stuck for long: a whole worker machine lost mid-draft, a frozen worker coming back late, and a
deploy's SIGTERM — with real worker processes on a private redis-server and the run's database."""

from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.conftest import database_kind
from tests.reliability.test_job_faults import pool_children
from tests.support.argos_model import sample_arabic_article
from tests.support.live import LiveStack, free_port, new_database, stack_env
from workflow.config import normalize_database_url

pytestmark = pytest.mark.worker

#: A long article (about 1,240 sentences): several seconds of translating on the tiny model.
LONG = 1200


@contextmanager
def live_stack(tmp_path, private_redis, argos_dir, **env):
    """Web on the private Redis with `env` on top of the live stacks' environment (a None value removes a
    variable); workers are started by the test."""
    private_redis.client().flushall()
    database_url, drop = new_database(database_kind(), tmp_path)
    stack_environment = stack_env(tmp_path, database_url, private_redis.url, argos_dir)
    stack_environment["ADAPTDESK_MAX_BODY_CHARS"] = "400000"
    for name, value in env.items():
        if value is None:
            stack_environment.pop(name, None)
        else:
            stack_environment[name] = value
    stack = LiveStack(stack_environment, tmp_path, free_port())
    engine = create_engine(normalize_database_url(database_url))
    try:
        stack.start_web()
        stack.people = {
            "reporter": stack.user("reporter", "Ahmad Abdallah", "reporter"),
            "adaptor": stack.user("adaptor", "Nadine Sassine", "adaptor"),
        }
        stack.db = engine
        yield stack
    finally:
        stack.stop_all()
        engine.dispose()
        drop()


def submit_long(stack, sentences: int = LONG) -> int:
    response = stack.people["reporter"].post(
        "/api/v1/articles",
        {
            "title": "تقرير طويل",
            "body": sample_arabic_article(sentences, seed=7),
            "language": "ar",
            "section": "News",
            "targets": ["en"],
        },
    )
    assert response.status == 201, response.json
    return response.json["adaptations"][0]["id"]


def draft_row(stack, adaptation_id: int) -> dict:
    with stack.db.connect() as connection:
        return dict(
            connection.execute(
                text(
                    "SELECT state, attempts, segments_done, heartbeat_at FROM drafts WHERE adaptation_id = :a"
                ),
                {"a": adaptation_id},
            )
            .mappings()
            .one()
        )


def stored_segments(stack, adaptation_id: int) -> int:
    with stack.db.connect() as connection:
        return connection.execute(
            text(
                "SELECT count(*) FROM draft_segments JOIN drafts ON drafts.id = draft_segments.draft_id "
                "WHERE drafts.adaptation_id = :a"
            ),
            {"a": adaptation_id},
        ).scalar_one()


def draft_row_is_free(stack, adaptation_id: int) -> bool:
    """Whether the draft's row can be locked at once (nobody holds it, or the whole SQLite file, in an open
    transaction)."""
    if stack.db.dialect.name == "sqlite":
        probe = create_engine(stack.db.url, connect_args={"timeout": 0.2})
        try:
            with probe.connect() as connection:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                connection.exec_driver_sql("ROLLBACK")
            return True
        except OperationalError:
            return False
        finally:
            probe.dispose()
    with stack.db.connect() as connection:
        try:
            connection.execute(
                text("SELECT id FROM drafts WHERE adaptation_id = :a FOR UPDATE NOWAIT"), {"a": adaptation_id}
            )
            return True
        except OperationalError:
            return False
        finally:
            connection.rollback()


def freeze_outside_a_transaction(stack, adaptation_id: int, pid: int) -> None:
    """SIGSTOP `pid` at a moment it holds no lock on the draft (its heartbeat commits every second): a process
    frozen inside a transaction would hold its locks until the database drops its connection."""
    for _ in range(50):
        os.kill(pid, signal.SIGSTOP)
        time.sleep(0.1)
        if draft_row_is_free(stack, adaptation_id):
            return
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.2)
    raise AssertionError("the worker never left its transaction")


def wait_translating(stack, adaptation_id: int, timeout: float = 60) -> None:
    """Wait until a worker is translating the draft; fail at once if it got past that before we looked."""
    deadline = time.monotonic() + timeout
    while (state := draft_row(stack, adaptation_id)["state"]) != "translating":
        assert state == "queued", f"the draft went to {state} before the test could act: too quick"
        assert time.monotonic() < deadline, "the draft never started"
        time.sleep(0.05)


def assert_drafted_exactly_once(stack, adaptation_id: int, attempts: int) -> dict:
    data = stack.wait_for(stack.people["adaptor"], adaptation_id, {"draft_ready", "mt_failed"}, timeout=10)
    assert data["state"] == "draft_ready", data["draft"]
    assert all(segment["mt"] for segment in data["draft"]["segments"])
    assert [entry["action"] for entry in data["history"]].count("draft-ready") == 1
    assert draft_row(stack, adaptation_id)["attempts"] == attempts
    return data


def test_a_whole_worker_killed_mid_draft_is_replaced_within_two_minutes_exactly_once(
    tmp_path, private_redis, argos_dir
):
    """Default lease, heartbeat and relay settings: kill -9 of the main process and its pool at once (a
    machine lost), then another worker starts; the draft is ready within 2 minutes, made once."""
    defaults = dict.fromkeys(("ADAPTDESK_RELAY_INTERVAL", "ADAPTDESK_DRAFT_RESEND"))
    with live_stack(tmp_path, private_redis, argos_dir, **defaults) as stack:
        first = stack.start_worker("worker")
        adaptation_id = submit_long(stack)
        wait_translating(stack, adaptation_id)
        os.killpg(first.pid, signal.SIGKILL)  # the main process and its pool, as a lost machine
        first.wait(timeout=10)
        killed_at = time.monotonic()
        assert draft_row(stack, adaptation_id)["state"] == "translating"

        stack.start_worker("replacement")
        stack.wait_for(stack.people["adaptor"], adaptation_id, {"draft_ready", "mt_failed"}, timeout=120)
        assert time.monotonic() - killed_at < 120
        assert_drafted_exactly_once(stack, adaptation_id, attempts=2)
        assert "Periodic duties" in stack.log("replacement")


def test_the_heartbeat_keeps_a_long_draft_with_its_worker(tmp_path, private_redis, argos_dir):
    """A lease of 3 s, renewed every second while one batch runs for longer with no progress to report: the
    relay (run by an idle second worker) never hands the job to anyone else."""
    settings = {
        "ADAPTDESK_DRAFT_HEARTBEAT": "1",
        "ADAPTDESK_DRAFT_LEASE": "3",
        "ADAPTDESK_RELAY_INTERVAL": "1",
        "ADAPTDESK_MT_MAX_BATCH": "4000",  # the whole article in one batch: no checkpoint until it is done
        "ADAPTDESK_MT_BEAM_SIZE": "8",
        # one thread, so the batch outlasts the lease on any machine (on all cores it may end in ~3 s)
        "ADAPTDESK_MT_PARALLEL": "1",
    }
    with live_stack(tmp_path, private_redis, argos_dir, **settings) as stack:
        stack.start_worker("worker")
        # a third longer than the others: CI once saw the usual one end 3.8 s after the idle worker was up
        adaptation_id = submit_long(stack, sentences=LONG * 4 // 3)
        wait_translating(stack, adaptation_id)
        stack.start_worker("idle")
        relay_up = time.monotonic()
        beats = set()
        while (row := draft_row(stack, adaptation_id))["state"] == "translating":
            beats.add(row["heartbeat_at"])
            time.sleep(0.2)
        # the relay had more than a whole lease (3 s) to take the job away, had the heartbeat not renewed it
        assert time.monotonic() - relay_up > 3, "the draft was too quick to outlast its lease"
        assert len(beats) >= 3, "the heartbeat did not renew the lease while the batch ran"
        assert_drafted_exactly_once(stack, adaptation_id, attempts=1)
        assert "adaptdesk.draft" not in stack.log("idle").split("ready.", 1)[-1]


def test_a_frozen_worker_that_comes_back_late_cannot_overwrite_the_newer_attempt(
    tmp_path, private_redis, argos_dir
):
    """Fencing: a pool process stopped mid-draft (SIGSTOP: a partitioned or frozen machine) loses its lease,
    another worker drafts the article, and when the first resumes its late work is dropped. It is frozen
    while its one long batch runs, outside any transaction."""
    settings = {
        "ADAPTDESK_DRAFT_HEARTBEAT": "1",
        "ADAPTDESK_DRAFT_LEASE": "3",
        "ADAPTDESK_RELAY_INTERVAL": "1",
        "ADAPTDESK_MT_MAX_BATCH": "4000",
        "ADAPTDESK_MT_BEAM_SIZE": "8",
        "ADAPTDESK_MT_PARALLEL": "1",
    }
    with live_stack(tmp_path, private_redis, argos_dir, **settings) as stack:
        first = stack.start_worker("worker")
        adaptation_id = submit_long(stack)
        wait_translating(stack, adaptation_id)
        deadline = time.monotonic() + 60
        while not stored_segments(stack, adaptation_id):  # committed: the long batch comes next
            assert time.monotonic() < deadline, "the segments were never stored"
            time.sleep(0.05)
        time.sleep(0.5)
        [frozen] = pool_children(first.pid)
        freeze_outside_a_transaction(stack, adaptation_id, frozen)
        try:
            stack.start_worker("other")
            stack.wait_for(stack.people["adaptor"], adaptation_id, {"draft_ready", "mt_failed"}, timeout=120)
        finally:
            os.kill(frozen, signal.SIGCONT)
        stack.wait_for_log("worker", "was taken over; its work is dropped", timeout=120)
        assert_drafted_exactly_once(stack, adaptation_id, attempts=2)


def test_sigterm_mid_draft_hands_the_job_back_at_once(tmp_path, private_redis, argos_dir):
    """A deploy: SIGTERM to the worker's main process only (as Docker's init sends it). The draft in progress
    goes back to the queue at its next batch and another worker makes it, long before a lease (10 minutes
    here) could have lapsed; the stopped worker exits within seconds."""
    settings = {
        "ADAPTDESK_DRAFT_LEASE": "600",
        "ADAPTDESK_MT_MAX_BATCH": "8",
        "ADAPTDESK_MT_BEAM_SIZE": "8",
        # one thread: on every core the whole draft may end within a second of the SIGTERM (CI saw it)
        "ADAPTDESK_MT_PARALLEL": "1",
    }
    with live_stack(tmp_path, private_redis, argos_dir, **settings) as stack:
        first = stack.start_worker("worker")
        adaptation_id = submit_long(stack)
        wait_translating(stack, adaptation_id)
        os.kill(first.pid, signal.SIGTERM)  # at once: the next worker starts while the first stops
        stack.start_worker("next")
        first.wait(timeout=60)
        stack.wait_for_log("worker", "the job went back to the queue", timeout=5)
        stack.wait_for(stack.people["adaptor"], adaptation_id, {"draft_ready", "mt_failed"}, timeout=120)
        assert_drafted_exactly_once(stack, adaptation_id, attempts=2)
