"""Machine-translation drafts through a real Celery worker over the real Redis, submitted over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.reliability.test_job_faults import pool_children
from tests.support.argos_model import sample_arabic_article

pytestmark = pytest.mark.worker


def submit(stack, body: str, targets=("en",), title="زيارة بوتين إلى بيونغ يانغ"):
    response = stack.people["reporter"].post(
        "/api/v1/articles",
        {
            "title": title,
            "body": body,
            "language": "ar",
            "section": "News",
            "tags": ["Russia"],
            "targets": list(targets),
        },
    )
    assert response.status == 201, response.json
    return response.json


def test_submitted_article_gets_a_complete_segment_aligned_draft(redis_stack):
    body = sample_arabic_article(12, seed=3, per_paragraph=4)
    article = submit(redis_stack, body)
    adaptation_id = article["adaptations"][0]["id"]
    data = redis_stack.wait_for(redis_stack.people["adaptor"], adaptation_id, {"draft_ready", "mt_failed"})
    assert data["state"] == "draft_ready", data["draft"]
    draft = data["draft"]
    assert draft["state"] == "ready" and draft["revision"] == 1
    assert draft["progress"]["done"] == draft["progress"]["total"] == len(draft["segments"]) >= 12
    assert all(seg["mt"] and seg["mt"].strip() for seg in draft["segments"])
    assert sorted({seg["paragraph"] for seg in draft["segments"]}) == [0, 1, 2]
    assert draft["title"].strip() and draft["body"].count("\n\n") == 2
    assert [h["action"] for h in data["history"]] == ["create", "draft-started", "draft-ready"]


def test_missing_language_pair_fails_visibly_and_can_still_be_adapted(redis_stack):
    article = submit(redis_stack, "هذا نص قصير.", targets=["fr"])
    adaptation_id = article["adaptations"][0]["id"]
    data = redis_stack.wait_for(redis_stack.people["adaptor"], adaptation_id, {"draft_ready", "mt_failed"})
    assert data["state"] == "mt_failed"
    assert data["draft"]["error"] == (
        "No model for Arabic → French. Install Arabic → English and English → French "
        "(`adaptdesk models install ar en`, `adaptdesk models install en fr`), or a direct pair."
    )
    assert data["draft"]["error_code"] == "missing_model"
    claimed = redis_stack.people["adaptor"].post(f"/api/v1/adaptations/{adaptation_id}/actions/claim")
    assert claimed.status == 200 and claimed.json["state"] == "in_adaptation" and claimed.json["body"] == ""


def test_the_same_job_delivered_twice_stores_one_draft(redis_stack):
    article = submit(redis_stack, sample_arabic_article(6, seed=5))
    adaptation_id = article["adaptations"][0]["id"]
    first = redis_stack.wait_for(redis_stack.people["adaptor"], adaptation_id, {"draft_ready"})
    draft_id = first["draft"]["id"]
    redis_stack.send_task("adaptdesk.draft", draft_id)
    redis_stack.send_task("adaptdesk.draft", draft_id)
    redis_stack.wait_for_log("worker", "nothing to do", count=2)
    again = redis_stack.people["adaptor"].get(f"/api/v1/adaptations/{adaptation_id}").json
    assert again["draft"]["id"] == draft_id
    assert again["draft"]["segments"] == first["draft"]["segments"]
    assert [h["action"] for h in again["history"]].count("draft-ready") == 1


def test_a_job_that_finds_a_newer_revision_drafts_the_newest(redis_stack):
    redis_stack.stop("worker")  # jobs wait on the broker while the reporter revises
    try:
        article = submit(redis_stack, sample_arabic_article(5, seed=8))
        revised_body = sample_arabic_article(7, seed=9)
        response = redis_stack.people["reporter"].put(
            f"/api/v1/articles/{article['id']}", {"body": revised_body}
        )
        assert response.status == 200, response.json
    finally:
        redis_stack.start_worker()
    adaptation_id = article["adaptations"][0]["id"]
    data = redis_stack.wait_for(redis_stack.people["adaptor"], adaptation_id, {"draft_ready"})
    assert data["draft"]["revision"] == 2
    assert "".join(seg["source"] for seg in data["draft"]["segments"]).replace(
        " ", ""
    ) == revised_body.replace("\n", "").replace(" ", "")
    assert [h["action"] for h in data["history"]] == ["create", "redraft", "draft-started", "draft-ready"]


def test_the_same_job_delivered_concurrently_stores_one_draft(redis_stack):
    redis_stack.stop("worker")
    try:
        article = submit(redis_stack, sample_arabic_article(8, seed=11))
        adaptation_id = article["adaptations"][0]["id"]
        draft_id = (
            redis_stack.people["adaptor"].get(f"/api/v1/adaptations/{adaptation_id}").json["draft"]["id"]
        )
        skipped_before = redis_stack.log("worker").count("nothing to do")
        redis_stack.send_task("adaptdesk.draft", draft_id)
        redis_stack.send_task("adaptdesk.draft", draft_id)
    finally:
        redis_stack.start_worker(concurrency=2)  # two pool processes take the copies at the same time
    data = redis_stack.wait_for(redis_stack.people["adaptor"], adaptation_id, {"draft_ready"})
    redis_stack.wait_for_log("worker", "nothing to do", count=skipped_before + 2)
    data = redis_stack.people["adaptor"].get(f"/api/v1/adaptations/{adaptation_id}").json
    indexes = [seg["index"] for seg in data["draft"]["segments"]]
    assert indexes == sorted(set(indexes)) and all(seg["mt"] for seg in data["draft"]["segments"])
    assert [h["action"] for h in data["history"]] == ["create", "draft-started", "draft-ready"]


def test_pool_processes_load_the_installed_models_at_start_and_the_main_process_none(redis_stack):
    """Warm models: loaded in each pool process after the fork (a model loaded before it would hang there)."""
    main = redis_stack.processes["worker"].pid
    loaded = dict(re.findall(r"Pool process (\d+) \(.*\) loaded (.*)", redis_stack.log("worker")))
    children = pool_children(main)
    assert children and all(loaded.get(str(pid)) == "ar-en" for pid in children)
    assert all("ctranslate2" in Path(f"/proc/{pid}/maps").read_text() for pid in children)
    assert "ctranslate2" not in Path(f"/proc/{main}/maps").read_text()
