"""Draft jobs survive a broker outage, a flushed broker and a worker killed mid-translation."""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.support.argos_model import sample_arabic_article
from workflow.jobs import BEAT_PROCESS_NAME

pytestmark = pytest.mark.worker


def submit(stack, sentences: int = 6, seed: int = 1) -> int:
    response = stack.people["reporter"].post(
        "/api/v1/articles",
        {
            "title": "تقرير",
            "body": sample_arabic_article(sentences, seed=seed),
            "language": "ar",
            "section": "News",
            "targets": ["en"],
        },
    )
    assert response.status == 201, response.json
    return response.json["adaptations"][0]["id"]


def test_submitting_while_redis_is_down_succeeds_and_the_draft_follows_when_it_returns(
    fault_stack, private_redis
):
    private_redis.stop()
    started = time.monotonic()
    adaptation_id = submit(fault_stack)
    assert time.monotonic() - started < 10, "a broker outage must not hold the submission up"
    time.sleep(3)
    assert fault_stack.people["adaptor"].get(f"/api/v1/adaptations/{adaptation_id}").json["state"] == "queued"
    private_redis.start()
    data = fault_stack.wait_for(fault_stack.people["adaptor"], adaptation_id, {"draft_ready"}, timeout=120)
    assert all(seg["mt"] for seg in data["draft"]["segments"])


def test_jobs_lost_by_a_flushed_broker_are_sent_again_by_the_relay(fault_stack, private_redis):
    fault_stack.stop("worker")  # jobs wait on the broker…
    ids = [submit(fault_stack, seed=s) for s in range(3)]
    assert private_redis.client().llen("adaptdesk") == 3
    private_redis.client().flushall()  # …and are lost
    fault_stack.start_worker()
    for adaptation_id in ids:
        data = fault_stack.wait_for(
            fault_stack.people["adaptor"], adaptation_id, {"draft_ready"}, timeout=120
        )
        assert data["draft"]["progress"]["done"] == data["draft"]["progress"]["total"]


def pool_children(master_pid: int) -> list[int]:
    """Pids of the prefork pool processes of a Celery worker (its children but its embedded beat)."""
    children = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                name, fields = stat.read().split(" (", 1)[1].rsplit(")", 1)
        except OSError:
            continue
        if int(fields.split()[1]) == master_pid and name != BEAT_PROCESS_NAME:
            children.append(int(pid))
    return children


def cpu_seconds(pid: int) -> int:
    """User + system clock ticks a process has used."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_a_worker_killed_mid_translation_is_replaced_and_the_job_finishes_once(fault_stack):
    adaptor = fault_stack.people["adaptor"]
    adaptation_id = submit(fault_stack, sentences=1000, seed=4)
    deadline = time.monotonic() + 60
    progress = f"/api/v1/adaptations/{adaptation_id}/progress"  # what pages poll: no QA, no text
    while (state := adaptor.get(progress).json["state"]) != "translating":
        # on every idle core a short draft could end between two looks (CI saw 400 sentences do it)
        assert state == "queued", f"the draft went to {state} before it could be killed: too quick"
        assert time.monotonic() < deadline, "the draft never started"
        time.sleep(0.05)
    children = pool_children(fault_stack.processes["worker"].pid)
    assert children, "no pool process found"
    busy = max(children, key=cpu_seconds)  # the pool process translating
    os.kill(busy, signal.SIGKILL)
    data = fault_stack.wait_for(adaptor, adaptation_id, {"draft_ready", "mt_failed"}, timeout=180)
    assert data["state"] == "draft_ready", data["draft"]
    assert len(data["draft"]["segments"]) == len({s["index"] for s in data["draft"]["segments"]})
    assert all(seg["mt"] for seg in data["draft"]["segments"])
    assert [h["action"] for h in data["history"]].count("draft-ready") == 1
    assert "WorkerLostError" in fault_stack.log("worker") or "exited with" in fault_stack.log("worker")
