"""What /metrics exposes: this web deployment's request counts and latency, and the draft jobs as the
database has them at scrape time (so they are right whichever web process answers and however many Celery
workers, on however many machines, there are).

Under gunicorn with several workers, PROMETHEUS_MULTIPROC_DIR names an empty directory shared by them
(docker-compose.yml mounts a tmpfs) where each process writes its request metrics, so a scrape adds them up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.utils import floatToGoString
from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import Session

from ..models import Adaptation, Draft, DraftState, utcnow

REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Upper bounds (seconds) of the drafting-time histogram: a short note to a long feature on a slow CPU.
DRAFTING_BUCKETS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0)
FINISHED_STATES = (DraftState.READY.value, DraftState.SUPERSEDED.value)


class RequestMetrics:
    """Request count and latency of this app, in-process or in prometheus_client's multiprocess files."""

    def __init__(self, multiprocess_dir: str | None) -> None:
        self.multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry()
        # In multiprocess mode the values go to files in the directory; a scrape reads them all.
        registry = None if multiprocess_dir else self.registry
        self.requests = Counter(
            "adaptdesk_http_requests",
            "HTTP requests served, by endpoint, method and status.",
            ["endpoint", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "adaptdesk_http_request_duration_seconds",
            "Time to serve an HTTP request, by endpoint and method.",
            ["endpoint", "method"],
            registry=registry,
            buckets=REQUEST_BUCKETS,
        )

    def observe(self, endpoint: str, method: str, status: int, seconds: float | None) -> None:
        """Count one request and, when its start is known, its latency."""
        self.requests.labels(endpoint, method, str(status)).inc()
        if seconds is not None:
            self.latency.labels(endpoint, method).observe(seconds)

    def collector(self):
        """What a scrape reads: this process's registry, or every process's files."""
        if self.multiprocess_dir:
            return multiprocess.MultiProcessCollector(None, path=self.multiprocess_dir)
        return self.registry


@dataclass
class JobStatistics:
    """Draft jobs and adaptations as the database has them at one moment."""

    drafts_by_state: dict[str, int] = field(default_factory=dict)
    adaptations_by_state: dict[str, int] = field(default_factory=dict)
    oldest_seconds: dict[str, float] = field(default_factory=dict)  #: state → age of its oldest job
    drafting_buckets: list[int] = field(default_factory=list)  #: cumulative counts, one per DRAFTING_BUCKETS
    drafting_count: int = 0
    drafting_sum: float = 0.0
    segments_translated: int = 0


def _drafting_seconds(dialect: str):
    if dialect == "postgresql":
        return extract("epoch", Draft.finished_at - Draft.started_at)
    return (func.julianday(Draft.finished_at) - func.julianday(Draft.started_at)) * 86400.0


def job_statistics(session: Session, now: datetime | None = None) -> JobStatistics:
    """Counts, ages and drafting times of the jobs, computed by the database (a few aggregate queries)."""
    now = now or utcnow()
    stats = JobStatistics()
    stats.drafts_by_state = dict(
        session.execute(select(Draft.state, func.count()).group_by(Draft.state)).all()
    )
    stats.adaptations_by_state = dict(
        session.execute(select(Adaptation.state, func.count()).group_by(Adaptation.state)).all()
    )
    oldest_queued = session.scalar(
        select(func.min(Draft.created_at)).where(Draft.state == DraftState.QUEUED.value)
    )
    oldest_running = session.scalar(
        select(func.min(Draft.started_at)).where(Draft.state == DraftState.TRANSLATING.value)
    )
    for state, since in (
        (DraftState.QUEUED.value, oldest_queued),
        (DraftState.TRANSLATING.value, oldest_running),
    ):
        stats.oldest_seconds[state] = max(0.0, (now - since).total_seconds()) if since else 0.0

    seconds = _drafting_seconds(session.get_bind().dialect.name)
    finished = (
        Draft.state.in_(FINISHED_STATES) & Draft.started_at.is_not(None) & Draft.finished_at.is_not(None)
    )
    row = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(seconds), 0),
            func.coalesce(func.sum(Draft.segments_total), 0),
            *(func.coalesce(func.sum(case((seconds <= bound, 1), else_=0)), 0) for bound in DRAFTING_BUCKETS),
        ).where(finished)
    ).one()
    stats.drafting_count, stats.drafting_sum = int(row[0]), float(row[1])
    stats.segments_translated = int(row[2])
    stats.drafting_buckets = [int(value) for value in row[3:]]
    return stats


class JobCollector:
    """Exposes one JobStatistics snapshot as Prometheus metric families."""

    def __init__(self, stats: JobStatistics) -> None:
        self.stats = stats

    def collect(self) -> Iterator:
        stats = self.stats
        jobs = GaugeMetricFamily(
            "adaptdesk_draft_jobs", "Machine-translation draft jobs by state.", labels=["state"]
        )
        for state in DraftState:
            jobs.add_metric([state.value], stats.drafts_by_state.get(state.value, 0))
        yield jobs
        oldest = GaugeMetricFamily(
            "adaptdesk_draft_job_oldest_seconds",
            "Age of the oldest queued job and of the longest-running job (0: none).",
            labels=["state"],
        )
        for state, age in stats.oldest_seconds.items():
            oldest.add_metric([state], age)
        yield oldest
        buckets = [
            (floatToGoString(bound), count)
            for bound, count in zip(DRAFTING_BUCKETS, stats.drafting_buckets, strict=False)
        ]
        buckets.append(("+Inf", stats.drafting_count))
        yield HistogramMetricFamily(
            "adaptdesk_drafting_seconds",
            "Time from a worker taking a draft job to finishing it.",
            buckets=buckets,
            sum_value=stats.drafting_sum,
        )
        yield CounterMetricFamily(
            "adaptdesk_segments_translated",
            "Segments machine-translated in finished drafts.",
            value=stats.segments_translated,
        )
        adaptations = GaugeMetricFamily(
            "adaptdesk_adaptations", "Adaptations by workflow state.", labels=["state"]
        )
        for state, count in sorted(stats.adaptations_by_state.items()):
            adaptations.add_metric([state], count)
        yield adaptations
