"""/metrics: request counts and latency per endpoint, draft jobs from the database, an optional bearer token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from tests.support.factories import make_article, make_user
from workflow.domain.states import Role
from workflow.models import Draft, DraftState, utcnow
from workflow.web.ops_metrics import DRAFTING_BUCKETS, JobStatistics, RequestMetrics, job_statistics


def samples(response) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of a Prometheus text response."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found, name, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_prometheus_text(ops_session_client):
    response = ops_session_client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    families = {family.name for family in text_string_to_metric_families(response.get_data(as_text=True))}
    assert {
        "adaptdesk_draft_jobs",
        "adaptdesk_draft_job_oldest_seconds",
        "adaptdesk_drafting_seconds",
        "adaptdesk_segments_translated",
        "adaptdesk_adaptations",
    } <= families


def test_requests_are_counted_by_endpoint_method_and_status(ops_session_client):
    ops_client = ops_session_client
    before = samples(ops_client.get("/metrics"))
    for _ in range(3):
        assert ops_client.get("/api/v1/openapi.json").status_code == 200
    assert ops_client.get("/no/such/page", headers={"Accept": "application/json"}).status_code == 404
    assert ops_client.open("/api/v1/openapi.json", method="BREW").status_code == 405
    after = samples(ops_client.get("/metrics"))

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("adaptdesk_http_requests_total", endpoint="api.openapi", method="GET", status="200") == 3
    assert delta("adaptdesk_http_requests_total", endpoint="unmatched", method="GET", status="404") == 1
    assert delta("adaptdesk_http_requests_total", endpoint="unmatched", method="other", status="405") == 1
    assert delta("adaptdesk_http_request_duration_seconds_count", endpoint="api.openapi", method="GET") == 3
    assert (
        delta(
            "adaptdesk_http_request_duration_seconds_bucket", endpoint="api.openapi", method="GET", le="+Inf"
        )
        == 3
    )
    assert delta("adaptdesk_http_requests_total", endpoint="ops.metrics", method="GET", status="200") == 1


def test_job_metrics_come_from_the_drafts_table(ops_session_client, session):
    before = job_statistics(session)
    reporter = make_user(Role.REPORTER)
    drafts = [make_article(reporter).adaptations[0].draft for _ in range(4)]
    now = utcnow()
    ready_fast, ready_slow, running, failed = (d.id for d in drafts)
    for draft_id, values in (
        (
            ready_fast,
            {
                "state": DraftState.READY.value,
                "started_at": now - timedelta(seconds=4),
                "finished_at": now - timedelta(seconds=1),
                "segments_total": 5,
            },
        ),  # 3 s
        (
            ready_slow,
            {
                "state": DraftState.READY.value,
                "started_at": now - timedelta(seconds=100),
                "finished_at": now - timedelta(seconds=55),
                "segments_total": 7,
            },
        ),  # 45 s
        (running, {"state": DraftState.TRANSLATING.value, "started_at": now - timedelta(seconds=30)}),
        (failed, {"state": DraftState.FAILED.value, "started_at": now, "finished_at": now}),
    ):
        session.execute(update(Draft).where(Draft.id == draft_id).values(**values))
    session.commit()

    stats = job_statistics(session)
    assert stats.drafts_by_state.get("ready", 0) - before.drafts_by_state.get("ready", 0) == 2
    assert stats.drafts_by_state.get("failed", 0) - before.drafts_by_state.get("failed", 0) == 1
    assert stats.drafting_count - before.drafting_count == 2
    assert stats.drafting_sum - before.drafting_sum == pytest.approx(48, abs=0.01)
    assert stats.segments_translated - before.segments_translated == 12
    bucket = dict(zip(DRAFTING_BUCKETS, stats.drafting_buckets, strict=False))
    old_bucket = dict(zip(DRAFTING_BUCKETS, before.drafting_buckets, strict=False))
    assert [bucket[b] - old_bucket[b] for b in (2.0, 5.0, 30.0, 60.0)] == [0, 1, 1, 2]
    assert stats.oldest_seconds["translating"] >= 30

    found = samples(ops_session_client.get("/metrics"))
    assert value(found, "adaptdesk_draft_jobs", state="ready") == stats.drafts_by_state["ready"]
    assert value(found, "adaptdesk_draft_jobs", state="translating") == stats.drafts_by_state["translating"]
    assert value(found, "adaptdesk_draft_jobs", state="superseded") == stats.drafts_by_state.get(
        "superseded", 0
    )
    assert value(found, "adaptdesk_drafting_seconds_count") == stats.drafting_count
    assert value(found, "adaptdesk_drafting_seconds_bucket", le="5.0") == bucket[5.0]
    assert value(found, "adaptdesk_drafting_seconds_bucket", le="+Inf") == stats.drafting_count
    assert value(found, "adaptdesk_drafting_seconds_sum") == pytest.approx(stats.drafting_sum)
    assert value(found, "adaptdesk_segments_translated_total") == stats.segments_translated
    assert value(found, "adaptdesk_draft_job_oldest_seconds", state="translating") >= 30
    assert (
        value(found, "adaptdesk_adaptations", state="queued") >= 4
    )  # the adaptation states were not touched


@pytest.mark.parametrize(
    "header, status",
    [
        (None, 401),
        ("Bearer wrong-token", 401),
        ("Basic c2NyYXBlcjpzM2NyZXQ=", 401),
        ("Bearer metrics-s3cret-token", 200),
        ("bearer metrics-s3cret-token", 200),
    ],
)
def test_a_metrics_token_makes_metrics_private(ops_app, ops_session_client, monkeypatch, header, status):
    monkeypatch.setattr(ops_app.extensions["ops"], "metrics_token", "metrics-s3cret-token")
    response = ops_session_client.get("/metrics", headers={"Authorization": header} if header else {})
    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "ADAPTDESK_METRICS_TOKEN" in response.json["message"]
        assert b"adaptdesk_" not in response.data


def test_multiprocess_mode_adds_up_every_process(tmp_path, monkeypatch):
    """Under gunicorn with PROMETHEUS_MULTIPROC_DIR, a scrape reads the files every worker process writes."""
    from prometheus_client import CollectorRegistry, generate_latest, values

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setattr(values, "ValueClass", values.MultiProcessValue(lambda: 1111))
    first = RequestMetrics(str(tmp_path))
    first.observe("api.healthz", "GET", 200, 0.01)
    monkeypatch.setattr(values, "ValueClass", values.MultiProcessValue(lambda: 2222))
    second = RequestMetrics(str(tmp_path))
    second.observe("api.healthz", "GET", 200, 0.02)
    second.observe("api.healthz", "GET", 200, 0.03)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "counter_1111.db",
        "counter_2222.db",
        "histogram_1111.db",
        "histogram_2222.db",
    ]
    registry = CollectorRegistry()
    registry.register(first.collector())
    text = generate_latest(registry).decode()
    assert 'adaptdesk_http_requests_total{endpoint="api.healthz",method="GET",status="200"} 3.0' in text
    assert 'adaptdesk_http_request_duration_seconds_count{endpoint="api.healthz",method="GET"} 3.0' in text


def test_statistics_of_an_empty_table_are_zero():
    stats = JobStatistics()
    assert stats.drafting_count == 0 and stats.segments_translated == 0 and stats.drafts_by_state == {}
