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

The request metrics live in the web processes (ops_metrics.py says how several add up); the readiness checks
are in ops_readiness.py.
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from ..config import Settings
from ..extensions import db
from .access import bearer_token
from .ops_metrics import JobCollector, RequestMetrics, job_statistics
from .ops_readiness import check_broker, check_database, check_models, check_workers, timed

bp = Blueprint("ops", __name__)

access_log = logging.getLogger("workflow.access")

#: Endpoints polled by machines: their access-log lines go to DEBUG, not INFO.
QUIET_ENDPOINTS = frozenset({"api.healthz", "ops.readyz", "ops.metrics", "static"})
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


# --- per-app state ---------------------------------------------------------------------------------------


@dataclass
class OpsState:
    """What the ops blueprint keeps per app."""

    metrics: RequestMetrics
    metrics_token: str = ""


@bp.record_once
def _init_app(state) -> None:
    app: Flask = state.app
    settings: Settings = app.config["ADAPTDESK"]
    app.extensions["ops"] = OpsState(
        RequestMetrics(settings.prometheus_multiproc_dir), settings.metrics_token
    )


def ops_state() -> OpsState:
    """The ops blueprint's state for the current app."""
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


@bp.get("/readyz")
def readyz():
    """200 when the database, broker, a worker and a translation model are there; 503 naming what is not."""
    settings: Settings = current_app.config["ADAPTDESK"]
    celery = current_app.extensions["celery"]
    checks = {"database": timed(check_database), "broker": timed(lambda: check_broker(celery))}
    if checks["broker"]["ok"]:
        checks["workers"] = timed(lambda: check_workers(celery, settings))
    else:
        checks["workers"] = {"ok": False, "error": "Not checked: the broker is unreachable.", "ms": 0.0}
    checks["models"] = timed(lambda: check_models(settings))
    ready = all(check["ok"] for check in checks.values())
    response = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


# --- metrics ---------------------------------------------------------------------------------------------


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
