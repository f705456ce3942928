"""Periodic duties sent by Celery's beat embedded in every worker, one beat per round: with real worker
processes on a private redis-server and the run's database. The web process here sends to a broker nobody
answers, so a draft job reaches the workers only through the relay duty."""

from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, create_engine, text

from tests.conftest import database_kind
from tests.support.live import LiveStack, free_port, new_database, stack_env
from workflow.config import normalize_database_url
from workflow.models.base import UTCDateTime

pytestmark = pytest.mark.worker

#: What Celery's beat logs each time it sends a duty.
SENT = "Scheduler: Sending due task {duty} ("
DUTIES = ("relay", "models", "publish")


@contextmanager
def duty_stack(tmp_path, private_redis, argos_dir, **env):
    """Web (sending to no broker) and three people; workers on the private Redis are started by the test."""
    private_redis.client().flushall()
    database_url, drop = new_database(database_kind(), tmp_path)
    stack = LiveStack(
        {**stack_env(tmp_path, database_url, private_redis.url, argos_dir), **env}, tmp_path, free_port()
    )
    engine = create_engine(normalize_database_url(database_url))
    stack.db = engine
    try:
        nobody = f"redis://127.0.0.1:{free_port()}/0"
        stack.start_web(env={"CELERY_BROKER_URL": nobody, "REDIS_URL": private_redis.url})
        stack.people = {
            "reporter": stack.user("reporter", "Ahmad Abdallah", "reporter"),
            "adaptor": stack.user("adaptor", "Nadine Sassine", "adaptor"),
            "editor": stack.user("editor", "Rima Haddad", "editor"),
        }
        yield stack
    finally:
        stack.stop_all()
        engine.dispose()
        drop()


def submit(stack, seed: int) -> int:
    """Submit a short original for English; its job is left for the relay (the web reaches no broker)."""
    created = stack.people["reporter"].post(
        "/api/v1/articles",
        {
            "title": "زيارة الوفد",
            "body": "استقبلت المدينة الوفد صباح اليوم." if seed % 2 else "وصل الوفد إلى المدينة مساء أمس.",
            "language": "ar",
            "section": "News",
            "targets": ["en"],
        },
    )
    assert created.status == 201, created.json
    # As if submitted a minute ago: the relay leaves a job alone for a while after its submission's own send.
    with stack.db.begin() as connection:
        connection.execute(
            text("UPDATE drafts SET created_at = :then").bindparams(bindparam("then", type_=UTCDateTime())),
            {"then": datetime.now(UTC) - timedelta(minutes=1)},
        )
    return created.json["adaptations"][0]["id"]


def sends(stack, duty: str, *workers: str) -> int:
    """How many times the workers' beats sent `duty`."""
    return sum(stack.log(worker).count(SENT.format(duty=duty)) for worker in workers)


def lock_holders(stack) -> dict[str, str]:
    with stack.db.connect() as connection:
        return dict(connection.execute(text("SELECT name, holder FROM duty_locks")).all())


def never_sent(stack, adaptation_id: int) -> bool:
    """Whether the adaptation's draft job was never handed to the broker."""
    with stack.db.connect() as connection:
        sent = connection.execute(
            text("SELECT dispatched_at FROM drafts WHERE adaptation_id = :a"), {"a": adaptation_id}
        ).scalar_one()
    return sent is None


def history(stack, adaptation_id: int) -> list[str]:
    data = stack.people["adaptor"].get(f"/api/v1/adaptations/{adaptation_id}").json
    return [entry["action"] for entry in data["history"]]


def test_two_workers_with_a_beat_send_each_duty_once_a_round_and_each_job_is_relayed_once(
    tmp_path, private_redis, argos_dir
):
    """Rounds of two minutes: within the test each duty is due once at each worker's start, and one of the two
    beats sends it. Three jobs the web could not send are relayed, each once."""
    with duty_stack(tmp_path, private_redis, argos_dir, ADAPTDESK_RELAY_INTERVAL="120") as stack:
        waiting = [submit(stack, seed) for seed in range(3)]
        assert private_redis.client().llen("adaptdesk") == 0  # nothing reached the workers' broker

        stack.start_worker("first")
        stack.start_worker("second")
        for adaptation_id in waiting:
            ready = stack.wait_for(stack.people["adaptor"], adaptation_id, {"draft_ready", "mt_failed"})
            assert ready["state"] == "draft_ready", ready["draft"]
            assert history(stack, adaptation_id).count("draft-ready") == 1
        for worker in ("first", "second"):
            for duty in DUTIES:  # each beat has offered each duty once (and said who sends it)
                stack.wait_for_log(worker, f"Periodic duty {duty}: ", timeout=30)
        assert {duty: sends(stack, duty, "first", "second") for duty in DUTIES} == dict.fromkeys(DUTIES, 1)
        assert "another worker sends it" in stack.log("second")
        received = stack.log("first") + stack.log("second")
        assert received.count("Task adaptdesk.draft[") == 2 * len(waiting)  # received, succeeded: once each
        assert received.count("Task adaptdesk.relay[") == 2  # the one relay sent, run by either worker


def test_when_the_worker_that_sends_the_duties_dies_another_sends_them_the_next_round(
    tmp_path, private_redis, argos_dir
):
    """kill -9 of the whole winning worker (main process, pool and beat): the other worker's beat wins the
    following rounds, and a job submitted afterwards is relayed and drafted once."""
    with duty_stack(tmp_path, private_redis, argos_dir, ADAPTDESK_RELAY_INTERVAL="2") as stack:
        workers = {"first": stack.start_worker("first"), "second": stack.start_worker("second")}
        for name in workers:
            stack.wait_for_log(name, "Periodic duty relay: ", timeout=30)
        [winner] = [
            name for name, process in workers.items() if f"pid {process.pid} " in lock_holders(stack)["relay"]
        ]
        [survivor] = [name for name in workers if name != winner]

        os.killpg(workers[winner].pid, signal.SIGKILL)
        workers[winner].wait(timeout=10)
        before = sends(stack, "relay", survivor)
        adaptation_id = submit(stack, 5)
        ready = stack.wait_for(stack.people["adaptor"], adaptation_id, {"draft_ready", "mt_failed"})
        assert ready["state"] == "draft_ready", ready["draft"]
        assert history(stack, adaptation_id).count("draft-ready") == 1
        assert f"pid {workers[survivor].pid} " in lock_holders(stack)["relay"]
        assert sends(stack, "relay", survivor) > before


def test_a_worker_without_duties_sends_none_and_a_beat_publishes_a_scheduled_adaptation(
    tmp_path, private_redis, argos_dir
):
    """`--no-duties`: no beat, so nothing is relayed or published while it is the only worker; a worker with
    its beat then relays the waiting job, and, started after a scheduled time, publishes the story at once."""
    with duty_stack(tmp_path, private_redis, argos_dir, ADAPTDESK_RELAY_INTERVAL="1") as stack:
        stack.start_worker("plain", duties=False)
        adaptation_id = submit(stack, 1)
        time.sleep(4)  # four rounds of the relay, had this worker a beat
        assert never_sent(stack, adaptation_id)
        assert "celery.beat" not in stack.log("plain") and "Periodic duty" not in stack.log("plain")
        assert lock_holders(stack) == {}

        stack.start_worker("beat")
        stack.wait_for(stack.people["adaptor"], adaptation_id, {"draft_ready"})
        adaptor, editor = stack.people["adaptor"], stack.people["editor"]
        adaptor.act(adaptation_id, "claim")
        adaptor.save(
            adaptation_id, "The delegation's visit", "The city welcomed the delegation this morning."
        )
        assert adaptor.act(adaptation_id, "submit")["state"] == "in_review"
        publish_at = datetime.now(UTC) + timedelta(seconds=3)
        version = editor.get(f"/api/v1/adaptations/{adaptation_id}").json["version"]
        approved = editor.post(
            f"/api/v1/adaptations/{adaptation_id}/actions/approve",
            {"version": version, "publish_at": publish_at.isoformat()},
        )
        assert approved.status == 200 and approved.json["state"] == "scheduled", approved.json
        stack.stop("beat")  # its next publishing round is a minute away: a new worker's beat starts with one

        while datetime.now(UTC) < publish_at + timedelta(seconds=2):
            time.sleep(0.2)
        assert editor.get(f"/api/v1/adaptations/{adaptation_id}").json["state"] == "scheduled"
        stack.start_worker("beat")
        published = stack.wait_for(editor, adaptation_id, {"published"}, timeout=60)
        assert history(stack, adaptation_id).count("publish") == 1, published["history"]
        assert "celery.beat" not in stack.log("plain") and sends(stack, "publish", "plain") == 0
