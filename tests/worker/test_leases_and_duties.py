"""Draft leases (heartbeat, takeover, fencing), the relay's choice of jobs, the duty locks, and re-queueing
drafts once a model serves their pair — on the real database, without a worker (the live tests are in
tests/reliability/test_node_loss.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.factories import make_article, make_user
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.jobs import DUTIES_QUEUE, LockedScheduler, beat_schedule
from workflow.models import Draft, DraftError, DutyLock, HistoryEntry, utcnow
from workflow.services import drafts
from workflow.services.adaptations import perform_action
from workflow.services.draft_lease import Heartbeat, WorkerStopping, request_stop, stop_requested
from workflow.services.drafts import LeaseLost
from workflow.services.duties import DUTY_TASKS, take_duty, win_round
from workflow.services.outbox import drafts_to_dispatch

LEASE = 45


def lapse(draft_id: int, seconds: float) -> None:
    """Make the draft's last heartbeat `seconds` old, as if its worker had stopped beating."""
    draft = db.session.get(Draft, draft_id)
    draft.heartbeat_at = draft.started_at = utcnow() - timedelta(seconds=seconds)
    db.session.flush()


def history(adaptation) -> list[str]:
    return list(
        db.session.scalars(
            select(HistoryEntry.action)
            .where(HistoryEntry.adaptation_id == adaptation.id)
            .order_by(HistoryEntry.id)
        )
    )


def test_a_job_held_by_a_live_worker_is_not_taken_and_a_lapsed_one_is_taken_over(session):
    adaptation = make_article().adaptations[0]
    first = drafts.take_job(session, adaptation.draft.id, "task-1", lease_seconds=LEASE)
    assert first.attempt == 1 and adaptation.draft.heartbeat_at is not None
    assert drafts.take_job(session, adaptation.draft.id, "task-2", lease_seconds=LEASE) is None
    lapse(first.draft_id, LEASE + 1)
    second = drafts.take_job(session, adaptation.draft.id, "task-2", lease_seconds=LEASE)
    assert second is not None and second.attempt == 2


def test_a_late_result_from_a_lost_attempt_cannot_overwrite_the_newer_one(session):
    adaptation = make_article().adaptations[0]
    draft_id = adaptation.draft.id
    old = drafts.take_job(session, draft_id, "task-1", lease_seconds=LEASE)
    drafts.store_segments(session, draft_id, [(0, 0, "جملة.")], attempt=old.attempt)
    lapse(draft_id, LEASE + 1)
    new = drafts.take_job(session, draft_id, "task-2", lease_seconds=LEASE)

    assert not drafts.renew_lease(session, draft_id, old.attempt)
    for write in (
        lambda: drafts.store_segments(session, draft_id, [(0, 0, "قديم.")], attempt=old.attempt),
        lambda: drafts.set_progress(session, draft_id, 1, attempt=old.attempt),
        lambda: drafts.store_translations(session, draft_id, {0: "Old."}, attempt=old.attempt),
        lambda: drafts.finish_draft(
            session, draft_id, title="Old", body="Old.", model="m", attempt=old.attempt
        ),
        lambda: drafts.fail_draft(session, draft_id, "old failure", attempt=old.attempt),
    ):
        with pytest.raises(LeaseLost):
            write()
    assert not drafts.release_job(session, draft_id, attempt=old.attempt)

    drafts.store_segments(session, draft_id, [(0, 0, "جملة.")], attempt=new.attempt)
    drafts.store_translations(session, draft_id, {0: "New."}, attempt=new.attempt)
    assert drafts.finish_draft(session, draft_id, title="New", body="New.", model="m", attempt=new.attempt)
    # After the newer attempt finished, a late finish changes nothing either.
    assert not drafts.finish_draft(
        session, draft_id, title="Old", body="Old.", model="m", attempt=old.attempt
    )
    draft = session.get(Draft, draft_id, populate_existing=True)
    assert (draft.state, draft.title, draft.attempts) == ("ready", "New", 2)
    assert history(adaptation).count("draft-ready") == 1


def test_the_relay_resends_a_job_whose_heartbeat_lapsed_once_per_lease(session):
    adaptation = make_article().adaptations[0]
    job = drafts.take_job(session, adaptation.draft.id, "task-1", lease_seconds=LEASE)
    draft = session.get(Draft, job.draft_id)
    draft.dispatched_at = utcnow() - timedelta(minutes=5)
    session.flush()

    def to_send() -> bool:
        return job.draft_id in drafts_to_dispatch(session, resend_after_seconds=300, lease_seconds=LEASE)

    assert not to_send()  # its worker beats
    lapse(job.draft_id, LEASE - 5)
    assert not to_send()
    lapse(job.draft_id, LEASE + 5)
    assert to_send()
    draft.dispatched_at = utcnow()  # just sent again: not again before another lease has passed
    session.flush()
    assert not to_send()


def test_the_heartbeat_renews_the_lease_and_notices_a_takeover(session):
    adaptation = make_article().adaptations[0]
    job = drafts.take_job(session, adaptation.draft.id, "task-1", lease_seconds=LEASE)
    lapse(job.draft_id, 30)
    heartbeat = Heartbeat(db.session_factory, job.draft_id, job.attempt, interval=10)
    assert heartbeat.beat()
    renewed = session.get(Draft, job.draft_id, populate_existing=True).heartbeat_at
    assert utcnow() - renewed < timedelta(seconds=5)
    heartbeat.check()  # nothing to say

    lapse(job.draft_id, LEASE + 1)
    drafts.take_job(session, adaptation.draft.id, "task-2", lease_seconds=LEASE)
    assert not heartbeat.beat() and heartbeat.lost
    with pytest.raises(LeaseLost):
        heartbeat.check()


def test_a_stop_request_stops_the_draft_at_its_next_checkpoint(session):
    heartbeat = Heartbeat(db.session_factory, 1, 1, interval=10)
    try:
        request_stop()
        with pytest.raises(WorkerStopping):
            heartbeat.check()
    finally:
        stop_requested.clear()


def test_released_by_a_stopping_worker_the_job_is_taken_at_once(session):
    adaptation = make_article().adaptations[0]
    job = drafts.take_job(session, adaptation.draft.id, "task-1", lease_seconds=LEASE)
    assert drafts.release_job(session, job.draft_id, attempt=job.attempt)
    again = drafts.take_job(
        session, adaptation.draft.id, "task-2", lease_seconds=LEASE
    )  # no lease to wait out
    assert again is not None and again.attempt == 2


# --- duty locks -------------------------------------------------------------------------------------------


def test_one_holder_at_a_time_takes_a_duty_until_its_hold_runs_out(session):
    now = utcnow()
    assert take_duty(session, "relay", "worker-a", 10, now=now)
    assert not take_duty(session, "relay", "worker-b", 10, now=now + timedelta(seconds=5))
    assert not take_duty(session, "relay", "worker-a", 10, now=now + timedelta(seconds=5))
    assert take_duty(session, "publish", "worker-b", 10, now=now)  # another duty, another lock
    assert take_duty(session, "relay", "worker-b", 10, now=now + timedelta(seconds=11))
    assert session.get(DutyLock, "relay").holder == "worker-b"


def test_the_winner_of_a_round_wins_the_next_and_another_takes_over_a_round_after_it_is_gone(session):
    now = utcnow()
    assert win_round(session, "relay", "worker-a", 30, now=now)
    assert not win_round(session, "relay", "worker-b", 30, now=now + timedelta(seconds=10))
    assert win_round(session, "relay", "worker-a", 30, now=now + timedelta(seconds=30))  # its next round
    # worker-a is gone: worker-b, whose rounds fall 10 s after its, wins its next one but one
    assert not win_round(session, "relay", "worker-b", 30, now=now + timedelta(seconds=40))
    assert win_round(session, "relay", "worker-b", 30, now=now + timedelta(seconds=70))


def test_the_beat_schedule_sends_each_duty_to_its_queue_every_period_with_an_expiry(app):
    settings = app.config["ADAPTDESK"]
    schedule = beat_schedule(settings)
    every = settings.relay_interval_seconds
    assert {name: entry["schedule"] for name, entry in schedule.items()} == {
        "relay": every,
        "models": every,
        "publish": max(60, every),
    }
    assert all(entry["options"]["expires"] == entry["schedule"] for entry in schedule.values())
    celery = app.extensions["celery"]
    assert celery.conf.beat_scheduler == "workflow.jobs:LockedScheduler"
    assert {
        task: celery.amqp.router.route({}, task)["queue"].name for task in DUTY_TASKS.values()
    } == dict.fromkeys(DUTY_TASKS.values(), DUTIES_QUEUE)


def test_of_two_beats_offering_the_duties_in_one_round_one_sends_each(app, session):
    first, second = LockedScheduler(app.extensions["celery"]), LockedScheduler(app.extensions["celery"])
    second.holder = "another worker"
    entries = list(first.schedule.values())
    assert sorted(entry.name for entry in entries) == ["models", "publish", "relay"]
    assert all(first.is_due(entry)[0] for entry in entries)  # due at start: a new worker offers them at once
    assert [first.wins_round(entry) for entry in entries] == [True, True, True]
    assert [second.wins_round(entry) for entry in second.schedule.values()] == [False, False, False]


# --- re-queueing drafts once a model serves their pair ------------------------------------------------------


def fail_for_want_of_a_model(adaptation) -> None:
    job = drafts.take_job(db.session, adaptation.draft.id, f"t-{adaptation.id}", lease_seconds=LEASE)
    drafts.fail_draft(db.session, job.draft_id, "No model", code=DraftError.MISSING_MODEL)


def test_drafts_that_failed_for_want_of_a_model_are_queued_again_once_one_serves_their_pair(session):
    article = make_article(targets=["fr", "de", "es"])
    waiting, claimed, uncovered = article.adaptations
    for adaptation in article.adaptations:
        fail_for_want_of_a_model(adaptation)
    timeout = make_article(targets=["fr"]).adaptations[0]
    job = drafts.take_job(session, timeout.draft.id, "t", lease_seconds=LEASE)
    drafts.fail_draft(session, job.draft_id, "too slow", code=DraftError.TIMEOUT)
    perform_action(session, make_user(Role.ADAPTOR), claimed, "claim")
    asked = []

    def can_translate(source: str, target: str) -> bool:
        asked.append((source, target))
        return target in ("fr", "de")

    requeued = drafts.requeue_drafts_with_models(session, can_translate)
    assert sorted(requeued) == sorted([waiting.draft.id, claimed.draft.id])
    assert sorted(asked) == [("ar", "de"), ("ar", "es"), ("ar", "fr")]  # once per pair
    assert waiting.state == "queued" and waiting.draft.state == "queued" and not waiting.draft.error_code
    assert (
        claimed.state == "in_adaptation" and claimed.draft.state == "queued"
    )  # the adaptor keeps their work
    assert uncovered.state == "mt_failed" and uncovered.draft.state == "failed"
    assert timeout.draft.state == "failed"  # only drafts that lacked a model
    entry = session.scalars(
        select(HistoryEntry).where(HistoryEntry.adaptation_id == waiting.id).order_by(HistoryEntry.id.desc())
    ).first()
    assert (entry.action, entry.actor_id, entry.details["reason"]) == ("redraft", None, "model installed")
    assert drafts.requeue_drafts_with_models(session, can_translate) == []
