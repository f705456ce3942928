"""The whole newsroom journey on the production shape: gunicorn with two workers, two Celery worker
processes (each with an embedded beat for the periodic duties) on Redis, PostgreSQL migrated by the migrate
command — the commands of docker-compose.yml.
"""

from __future__ import annotations

import re
import time
import uuid
from urllib.parse import urlsplit

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import METRICS_TOKEN, WORKERS, json_lines, send
from tests.support.argos_model import sample_arabic_article
from workflow.services.outbox import DISPATCH_GRACE

pytestmark = pytest.mark.worker

CREDIT = "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"


def act(stack, role: str, adaptation_id: int, action: str, **body) -> dict:
    if action in ("approve", "reject", "request-changes"):  # decisions name the version the editor read
        body.setdefault(
            "version",
            send(
                stack.base_url, "GET", f"/api/v1/adaptations/{adaptation_id}", token=stack.tokens[role]
            ).json["version"],
        )
    response = send(
        stack.base_url,
        "POST",
        f"/api/v1/adaptations/{adaptation_id}/actions/{action}",
        token=stack.tokens[role],
        body=body,
    )
    assert response.status == 200, (action, response.json)
    return response.json


def save(stack, adaptation_id: int, title: str, body: str) -> dict:
    current = send(
        stack.base_url, "GET", f"/api/v1/adaptations/{adaptation_id}", token=stack.tokens["adaptor"]
    )
    response = send(
        stack.base_url,
        "PUT",
        f"/api/v1/adaptations/{adaptation_id}",
        token=stack.tokens["adaptor"],
        body={"title": title, "body": body, "version": current.json["version"]},
    )
    assert response.status == 200, response.json
    return response.json


@pytest.fixture(scope="module")
def journey(production):
    """Reporter submits (with an X-Request-ID) → worker drafts → adaptor adapts → editor sends it back →
    adaptor resubmits → editor approves; returns what the checks below need."""
    started = time.monotonic()
    request_id = f"e2e-{uuid.uuid4().hex[:12]}"
    submitted = send(
        production.base_url,
        "POST",
        "/api/v1/articles",
        token=production.tokens["reporter"],
        headers={"X-Request-ID": request_id},
        body={
            "title": "زيارة بوتين إلى بيونغ يانغ",
            "body": sample_arabic_article(9, seed=4),
            "language": "ar",
            "section": "World",
            "tags": ["Russia"],
            "targets": ["en"],
        },
    )
    assert submitted.status == 201, submitted.json
    assert submitted.headers["X-Request-ID"] == request_id
    adaptation_id = submitted.json["adaptations"][0]["id"]

    ready = production.live.wait_for(
        production.people["adaptor"], adaptation_id, {"draft_ready", "mt_failed"}
    )
    draft_seconds = time.monotonic() - started
    assert ready["state"] == "draft_ready", ready.get("draft")
    draft = ready["draft"]
    assert draft["state"] == "ready" and draft["progress"]["done"] == draft["progress"]["total"] >= 9

    claimed = act(production, "adaptor", adaptation_id, "claim")
    assert claimed["state"] == "in_adaptation" and claimed["title"] == draft["title"]
    save(
        production,
        adaptation_id,
        "Putin visits Pyongyang",
        "Pyongyang welcomed Vladimir Putin as the heat hit 43.5 degrees.\n\nThe two leaders signed a partnership "
        "worth 1,000 jobs and 20 films.",
    )
    assert act(production, "adaptor", adaptation_id, "submit")["state"] == "in_review"
    sent_back = act(
        production,
        "editor",
        adaptation_id,
        "request-changes",
        comment="Say it is the first visit in 24 years.",
    )
    assert sent_back["state"] == "changes_requested"

    assert act(production, "adaptor", adaptation_id, "claim")["state"] == "in_adaptation"
    save(
        production,
        adaptation_id,
        "Putin makes first visit to North Korea in 24 years",
        "Pyongyang welcomed Vladimir Putin, the first such visit in 24 years, as the heat hit 43.5 degrees.\n\n"
        "The two leaders signed a partnership worth 1,000 jobs and 20 films.",
    )
    assert act(production, "adaptor", adaptation_id, "submit")["state"] == "in_review"
    approved = act(production, "editor", adaptation_id, "approve")
    assert approved["state"] == "published"

    shown = send(
        production.base_url,
        "GET",
        f"/api/v1/adaptations/{adaptation_id}",
        token=production.tokens["reporter"],
    ).json
    return {
        "request_id": request_id,
        "adaptation": shown,
        "draft": draft,
        "draft_seconds": draft_seconds,
        "seconds": time.monotonic() - started,
    }


def test_published_adaptation_carries_the_credit_line_on_its_public_page(production, journey):
    shown = journey["adaptation"]
    assert shown["state"] == "published" and shown["credit_line"] == CREDIT
    assert [h["action"] for h in shown["history"]] == [
        "create",
        "draft-started",
        "draft-ready",
        "claim",
        "submit",
        "request-changes",
        "claim",
        "submit",
        "approve",
    ]
    url = urlsplit(shown["url"])
    assert url.path.startswith(f"/news/{shown['id']}/")
    page = send(production.base_url, "GET", url.path, headers={"Accept": "text/html"})
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert CREDIT in re.sub(r"<[^>]+>", "", page.text)  # the names link to their people pages
    assert "Putin makes first visit to North Korea in 24 years" in page.text


def test_the_submit_request_id_is_on_the_workers_log_lines_for_that_draft(production, journey):
    draft_id = journey["draft"]["id"]
    lines = [
        entry
        for entry in production.worker_log_entries()
        if entry.get("request_id") == journey["request_id"] and entry["logger"] == "workers.tasks"
    ]
    assert any(f"draft {draft_id}:" in entry["message"] for entry in lines), "\n".join(
        production.live.log(name)[-2000:] for name in WORKERS
    )
    entry = lines[0]
    assert {"time", "level", "logger", "message", "request_id", "task_id", "task_name"} <= set(entry)
    assert entry["task_name"] == "adaptdesk.draft"
    web_lines = [
        e for e in json_lines(production.live.log("web")) if e.get("request_id") == journey["request_id"]
    ]
    assert any(
        e["logger"] == "workflow.access" and e.get("path") == "/api/v1/articles" and e.get("status") == 201
        for e in web_lines
    )


def test_every_process_logs_json_lines(production, journey):
    for name in ("web", *WORKERS):
        entries = json_lines(production.live.log(name))
        assert entries, name
        assert all({"time", "level", "logger", "message", "request_id"} <= set(e) for e in entries), name
    # gunicorn's own lines too (its logger class); Celery prints only its start-up banner as plain text.
    web_lines = [line for line in production.live.log("web").splitlines() if line.strip()]
    assert all(line.startswith("{") for line in web_lines), web_lines[:5]
    assert any(
        e["logger"] == "gunicorn.error" and "Booting worker" in e["message"]
        for e in json_lines(production.live.log("web"))
    )


def test_ready_with_both_workers_and_the_model(production):
    response = send(production.base_url, "GET", "/readyz")
    assert response.status == 200, response.json
    checks = response.json["checks"]
    assert checks["workers"]["workers"] == len(WORKERS)
    assert checks["models"]["pairs"] == ["ar-en"]
    assert checks["database"]["ok"] and checks["broker"]["ok"]


def test_metrics_need_the_token_and_count_jobs_and_requests_across_processes(production, journey):
    assert send(production.base_url, "GET", "/metrics").status == 401
    for _ in range(6):
        assert send(production.base_url, "GET", "/api/v1/openapi.json").status == 200
    response = send(production.base_url, "GET", "/metrics", token=METRICS_TOKEN)
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value

    def metric(name, **labels):
        return found.get((name, tuple(sorted(labels.items()))))

    assert metric("adaptdesk_draft_jobs", state="ready") == 1
    assert (
        metric("adaptdesk_draft_jobs", state="queued") == 0
        and metric("adaptdesk_draft_jobs", state="failed") == 0
    )
    assert metric("adaptdesk_drafting_seconds_count") == 1 and metric("adaptdesk_drafting_seconds_sum") > 0
    assert metric("adaptdesk_segments_translated_total") == journey["draft"]["progress"]["total"]
    assert metric("adaptdesk_adaptations", state="published") == 1
    # gunicorn's two workers write their own files; any of them answering adds up both.
    assert metric("adaptdesk_http_requests_total", endpoint="api.openapi", method="GET", status="200") == 6
    assert (
        metric("adaptdesk_http_requests_total", endpoint="api.create_article", method="POST", status="201")
        == 1
    )
    assert (
        metric("adaptdesk_http_request_duration_seconds_count", endpoint="api.create_article", method="POST")
        == 1
    )


@pytest.mark.parametrize("service", ["web", "worker"])
def test_the_compose_health_checks_pass(production, service):
    result = production.healthcheck(service, hostname=WORKERS[0] if service == "worker" else None)
    assert result.returncode == 0, result.stdout + result.stderr
    if service == "worker":
        assert f"celery@{WORKERS[0]}: OK" in result.stdout


def test_the_worker_health_check_fails_for_a_worker_that_is_not_there(production):
    result = production.healthcheck("worker", hostname="e2e-worker-missing")
    assert result.returncode != 0


#: Generous bounds (a run takes ~20 s to start and ~2 s for the journey) that a hang or a stall still breaks.
STARTUP_BOUND_SECONDS = 180
JOURNEY_BOUND_SECONDS = 60


def test_the_draft_is_sent_on_commit_and_the_stack_keeps_its_pace(production, journey, capsys):
    """The draft is ready before the relay could even have sent it (it leaves a new draft alone for
    DISPATCH_GRACE), so it went to the broker when the submission committed; start-up and the journey stay
    well inside generous bounds. The figures are printed for the record."""
    with capsys.disabled():
        print(
            f"\n[e2e] stack up in {production.startup_seconds:.1f} s; draft ready in "
            f"{journey['draft_seconds']:.1f} s; journey in {journey['seconds']:.1f} s"
        )
    assert journey["draft_seconds"] < DISPATCH_GRACE.total_seconds()
    assert journey["seconds"] < JOURNEY_BOUND_SECONDS
    assert production.startup_seconds < STARTUP_BOUND_SECONDS
