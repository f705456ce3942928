"""Operations: readiness, Prometheus metrics, and one access-log line per request.

URL map:
    GET /readyz    ops.readyz    200 when the database, the broker, a worker and a model are there; else 503
    GET /metrics   ops.metrics   Prometheus text format; a bearer token when ADAPTDESK_METRICS_TOKEN is set

/healthz (api.healthz) says the web process and its database are alive: use it for liveness and Docker's
health check. /readyz says the whole service can do its work: use it before sending traffic or in alerts.

Metrics:
    adaptdesk_http_requests_total{endpoint,method,status}       counter: this web deployment's requests
    adaptdesk_http_request_duration_seconds{endpoint,method}    histogram: request latency
    adaptdesk_draft_jobs{state}                                  gauge: jobs queued, translating, ready…
    adaptdesk_draft_job_oldest_seconds{state}                    gauge: oldest queued / running job's age
    adaptdesk_drafting_seconds                                   histogram: started → finished (finished)
    adaptdesk_segments_translated_total                          counter: segments of finished drafts
    adaptdesk_adaptations{state}                                 gauge: adaptations by workflow state

The request metrics live in the web processes. Under gunicorn with several workers, set
PROMETHEUS_MULTIPROC_DIR to an empty directory shared by them (docker-compose.yml mounts a tmpfs) so a
scrape adds up every worker's numbers. The job metrics are read from the database at scrape time, so they
are right whichever web process answers and however many Celery workers, on however many machines, there are.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.utils import floatToGoString
from sqlalchemy import case, extract, func, select, text
from sqlalchemy.orm import Session

from ..config import Settings
from ..extensions import db
from ..models import Adaptation, Draft, DraftState, utcnow
from .access import bearer_token

bp = Blueprint("ops", __name__)

access_log = logging.getLogger("workflow.access")
log = logging.getLogger(__name__)

#: How long /readyz waits for Celery workers to answer a ping, and for the broker to accept a connection.
WORKER_PING_SECONDS = 1.0
BROKER_CONNECT_SECONDS = 2.0
#: Endpoints polled by machines: their access-log lines go to DEBUG, not INFO.
QUIET_ENDPOINTS = frozenset({"api.healthz", "ops.readyz", "ops.metrics", "static"})
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Upper bounds (seconds) of the drafting-time histogram: a short note to a long feature on a slow CPU.
DRAFTING_BUCKETS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0)
FINISHED_STATES = (DraftState.READY.value, DraftState.SUPERSEDED.value)


# --- per-app state ---------------------------------------------------------------------------------------


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
            from prometheus_client import multiprocess

            return multiprocess.MultiProcessCollector(None, path=self.multiprocess_dir)
        return self.registry


@dataclass
class OpsState:
    """What the ops blueprint keeps per app."""

    metrics: RequestMetrics
    metrics_token: str = ""


@bp.record_once
def _init_app(state) -> None:
    app: Flask = state.app
    # ADAPTDESK_METRICS_TOKEN is read here, once, when the blueprint is registered inside the factory.
    token = app.config.get("ADAPTDESK_METRICS_TOKEN")
    if token is None:
        token = os.environ.get("ADAPTDESK_METRICS_TOKEN", "")
    app.extensions["ops"] = OpsState(
        RequestMetrics(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None), token.strip()
    )


def ops_state() -> OpsState:
    return current_app.extensions["ops"]


# --- every request: metrics and an access-log line --------------------------------------------------------


@bp.before_app_request
def start_request_timer() -> None:
    """Note when the request started, for its latency."""
    g.ops_started = time.perf_counter()


@bp.after_app_request
def record_request(response: Response) -> Response:
    """Count the request by endpoint and status, time it, and log one access line with the request id."""
    started = g.pop("ops_started", None)
    seconds = time.perf_counter() - started if started is not None else None
    endpoint = request.endpoint or "unmatched"  # 404s: one label, not one per path tried
    method = request.method if request.method in KNOWN_METHODS else "other"
    ops_state().metrics.observe(endpoint, method, response.status_code, seconds)
    level = logging.DEBUG if endpoint in QUIET_ENDPOINTS else logging.INFO
    if access_log.isEnabledFor(level):
        millis = round(seconds * 1000, 1) if seconds is not None else None
        # The path is decoded (%0A is a newline): escape control characters so it cannot forge log lines.
        path = "".join(
            ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in request.path
        )
        access_log.log(
            level,
            "%s %s %s %s ms",
            method,
            path,
            response.status_code,
            millis,
            extra={
                "method": method,
                "path": path,
                "status": response.status_code,
                "duration_ms": millis,
                "endpoint": endpoint,
                "request_id": g.get("request_id", ""),
            },
        )
    return response


# --- readiness -------------------------------------------------------------------------------------------


def _timed(check) -> dict[str, Any]:
    started = time.perf_counter()
    result = check()
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _failure(what: str, exc: BaseException, advice: str) -> dict[str, Any]:
    # The full error goes to the log; the public body names only its kind (no hosts, users or paths).
    log.warning("readiness: %s failed: %s", what, exc)
    return {"ok": False, "error": f"{what} failed ({type(exc).__name__}). {advice}"}


def check_database() -> dict[str, Any]:
    """`SELECT 1` on a connection of its own."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001  (any failure means not ready)
        return _failure("The database query", exc, "Check DATABASE_URL and that the database server is up.")
    return {"ok": True}


def check_broker(celery) -> dict[str, Any]:
    """A connection to the broker, with one short retry."""
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0.2, timeout=BROKER_CONNECT_SECONDS
            )
    except Exception as exc:  # noqa: BLE001  (any failure means not ready)
        return _failure(
            "Connecting to the broker",
            exc,
            "Check CELERY_BROKER_URL and that Redis is up; submissions wait for it meanwhile.",
        )
    return {"ok": True}


def check_workers(celery, settings: Settings) -> dict[str, Any]:
    """At least one Celery worker answers a ping (skipped on the embedded broker, which cannot broadcast)."""
    if settings.embedded_broker:
        return {
            "ok": True,
            "skipped": True,
            "message": "The embedded broker cannot broadcast, so workers cannot be pinged; "
            "set CELERY_BROKER_URL to a Redis server to have them checked.",
        }
    try:
        replies = celery.control.ping(timeout=WORKER_PING_SECONDS) or []
    except Exception as exc:  # noqa: BLE001  (any failure means not ready)
        return _failure("Pinging the workers", exc, "Check the broker.")
    count = sum(len(reply) for reply in replies)
    if not count:
        return {
            "ok": False,
            "workers": 0,
            "error": f"No Celery worker answered a ping within {WORKER_PING_SECONDS:g} s, so new "
            "articles get no machine draft. Start one: `adaptdesk worker` "
            "(with Docker: docker compose up -d worker).",
        }
    return {"ok": True, "workers": count}


def check_models(settings: Settings) -> dict[str, Any]:
    """At least one translation package is installed where the workers look for them."""
    from workers.mt.engine import EngineSettings
    from workers.mt.packages import list_installed

    folder = settings.argos_packages_dir
    try:
        pairs = list_installed(EngineSettings(packages_dir=str(folder) if folder else None))
    except Exception as exc:  # noqa: BLE001  (an unreadable folder means not ready)
        return _failure("Listing the translation models", exc, "Check ARGOS_PACKAGES_DIR.")
    if not pairs:
        return {
            "ok": False,
            "pairs": [],
            "error": "No translation model is installed, so every machine draft fails. Install one: "
            "`adaptdesk models install ar en`, or `adaptdesk models import FILE.argosmodel` "
            "(with Docker: docker compose run --rm worker adaptdesk models install ar en).",
        }
    return {"ok": True, "pairs": sorted({pair.code for pair in pairs})}


@bp.get("/readyz")
def readyz():
    """200 when the database, broker, a worker and a translation model are there; 503 naming what is not."""
    settings: Settings = current_app.config["ADAPTDESK"]
    celery = current_app.extensions["celery"]
    checks = {"database": _timed(check_database), "broker": _timed(lambda: check_broker(celery))}
    if checks["broker"]["ok"]:
        checks["workers"] = _timed(lambda: check_workers(celery, settings))
    else:
        checks["workers"] = {"ok": False, "error": "Not checked: the broker is unreachable.", "ms": 0.0}
    checks["models"] = _timed(lambda: check_models(settings))
    ready = all(check["ok"] for check in checks.values())
    response = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


# --- metrics ---------------------------------------------------------------------------------------------


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


def metrics_allowed() -> bool:
    """Whether this request may read /metrics: always without a token set, else only with that token."""
    expected = ops_state().metrics_token
    if not expected:
        return True
    return hmac.compare_digest((bearer_token() or "").encode(), expected.encode())


@bp.get("/metrics")
def metrics():
    """Prometheus metrics: requests and latency of the web processes, draft jobs from the database."""
    if not metrics_allowed():
        response = jsonify(
            {
                "error": "unauthorized",
                "message": "Send 'Authorization: Bearer <ADAPTDESK_METRICS_TOKEN>' to read the metrics.",
            }
        )
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="adaptdesk-metrics"'
        return response
    registry = CollectorRegistry()
    registry.register(ops_state().metrics.collector())
    registry.register(JobCollector(job_statistics(db.session)))
    response = Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
