"""Webhooks: admins register endpoints; services announce events as deliveries in their own transaction; a
worker sends each delivery (workers/tasks.py, `adaptdesk.webhook`), retrying with backoff until it lands.

Deliveries are an outbox: `announce` writes one row per subscribed endpoint in the caller's transaction, and
after commit the outbox (services/outbox.py) sends their ids by task name; the relay re-sends any the broker
lost. A delivery's body and id never change, so every attempt (and a redelivery) carries the same
`X-Adaptdesk-Delivery` and signature: receivers drop duplicates by that id (delivery is at least once).

The SSRF guard: a target's host must resolve only to allowed addresses (public ones, or those inside
ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS), checked when the endpoint is registered and again before every attempt
(the name may resolve elsewhere by then); the attempt connects to the very address that was checked, and
redirects are never followed.
"""

from __future__ import annotations

import http.client
import json
import secrets
import socket
import ssl
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.messages import N_
from ..domain.rules import can_manage_webhooks
from ..domain.webhooks import (
    MAX_ATTEMPTS,
    MAX_SECRET_CHARS,
    MIN_SECRET_CHARS,
    DeliveryState,
    IPAddress,
    IPNetwork,
    WebhookEvent,
    WebhookRefused,
    address_refusal,
    check_target_url,
    literal_address,
    retry_delay,
    sign,
    target_port,
)
from ..models import (
    Adaptation,
    AuditAction,
    Draft,
    PublishedVersion,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from . import audit
from .errors import Conflict, InvalidInput, NotAllowed, NotFound
from .queries import Page, page_of

#: Seconds an attempt may take to connect and to answer.
ATTEMPT_TIMEOUT_SECONDS = 10
#: How much of a receiver's answer is read (and dropped): enough to finish the exchange politely.
MAX_ANSWER_BYTES = 64 * 1024
USER_AGENT = "Adaptdesk-Webhooks/1"
#: Resolves (host, port) to socket addresses, as socket.getaddrinfo does (tests may resolve names their way).
Resolver = Callable[..., list]

# --- who may manage them, and registration ---------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if not can_manage_webhooks(actor.actor):
        raise NotAllowed(N_("Only admins may manage webhooks."))


def resolve_checked(
    host: str, port: int, allowed: Iterable[IPNetwork], resolver: Resolver = socket.getaddrinfo
) -> list[IPAddress]:
    """Every address `host` resolves to, if all are allowed; WebhookRefused naming the first that is not."""
    literal = literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = resolver(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise WebhookRefused(f"The host {host} could not be resolved ({exc}).") from None
        addresses = list(dict.fromkeys(literal_address(info[4][0].split("%", 1)[0]) for info in infos))
        addresses = [a for a in addresses if a is not None]
    if not addresses:
        raise WebhookRefused(f"The host {host} resolves to no address.")
    allowed = tuple(allowed)
    for address in addresses:
        reason = address_refusal(address, allowed)
        if reason is not None:
            shown = host if literal is not None else f"{host} (resolves to {address})"
            raise WebhookRefused(
                f"The target {shown} is {reason}: webhooks reach only public addresses, unless the server's "
                "ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS lists its network."
            )
    return addresses


def parse_events(raw: Any) -> list[str]:
    """The events asked for: a non-empty list of known names (400 naming `events` otherwise)."""
    known = [e.value for e in WebhookEvent]
    if not isinstance(raw, list) or not raw or not all(isinstance(e, str) for e in raw):
        raise InvalidInput(
            "events", N_("Give 'events' as a list of one or more of: %(choices)s.", choices=", ".join(known))
        )
    unknown = [e for e in raw if e not in known]
    if unknown:
        raise InvalidInput(
            "events",
            N_(
                "Unknown event %(unknown)s. Events are: %(choices)s.",
                unknown=repr(unknown[0]),
                choices=", ".join(known),
            ),
        )
    return [e for e in known if e in raw]


def parse_secret(raw: Any) -> str | None:
    """The secret the admin chose (None: generate one); 400 naming `secret` when unusable."""
    if raw is None or raw == "":
        return None
    if (
        not isinstance(raw, str)
        or not MIN_SECRET_CHARS <= len(raw) <= MAX_SECRET_CHARS
        or not raw.isascii()
        or not raw.isprintable()
    ):
        raise InvalidInput(
            "secret",
            N_(
                "The secret must be %(min_secret_chars)s to %(max_secret_chars)s printable ASCII "
                "characters; leave it out to have one generated.",
                min_secret_chars=MIN_SECRET_CHARS,
                max_secret_chars=MAX_SECRET_CHARS,
            ),
        )
    return raw


def register_endpoint(
    session: Session,
    actor: User,
    *,
    url: Any,
    events: Any,
    secret: Any = None,
    allowed: Iterable[IPNetwork] = (),
    resolver: Resolver = socket.getaddrinfo,
) -> tuple[WebhookEndpoint, str]:
    """Register a receiver of `events` at `url` (its host checked against the SSRF guard); returns the
    endpoint and its secret (generated when none is given), which the caller shows this once."""
    _require_admin(actor)
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput("url", N_("Give the receiver's 'url' (https://…)."))
    url = url.strip()
    chosen_events = parse_events(events)
    chosen_secret = parse_secret(secret) or secrets.token_urlsafe(32)
    try:
        parts = check_target_url(url)
        resolve_checked(parts.hostname, target_port(parts), allowed, resolver)
    except WebhookRefused as exc:
        raise InvalidInput("url", str(exc)) from None
    endpoint = WebhookEndpoint(url=url, events=chosen_events, secret=chosen_secret, created_by=actor)
    session.add(endpoint)
    session.flush()
    audit.record(
        session, actor, AuditAction.WEBHOOK_ADDED, webhook_id=endpoint.id, url=url, events=chosen_events
    )
    return endpoint, chosen_secret


def list_endpoints(session: Session, actor: User) -> list[WebhookEndpoint]:
    """Every endpoint, oldest first (admins)."""
    _require_admin(actor)
    return list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def page_of_endpoints(session: Session, actor: User, number: int, size: int) -> Page:
    """Page `number` of the endpoints, oldest first (admins)."""
    _require_admin(actor)
    return page_of(session, select(WebhookEndpoint).order_by(WebhookEndpoint.id), number, size)


def get_endpoint(session: Session, actor: User, endpoint_id: int) -> WebhookEndpoint:
    """One endpoint (admins); 404 when there is none."""
    _require_admin(actor)
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(N_("No webhook %(endpoint_id)s.", endpoint_id=endpoint_id))
    return endpoint


def delete_endpoint(session: Session, actor: User, endpoint_id: int) -> None:
    """Remove an endpoint and its delivery log; deliveries not yet sent are dropped."""
    endpoint = get_endpoint(session, actor, endpoint_id)
    audit.record(session, actor, AuditAction.WEBHOOK_REMOVED, webhook_id=endpoint.id, url=endpoint.url)
    session.delete(endpoint)
    session.flush()


def recent_deliveries(
    session: Session, actor: User, endpoint_id: int, limit: int = 50
) -> list[WebhookDelivery]:
    """The endpoint's newest deliveries first (admins)."""
    get_endpoint(session, actor, endpoint_id)
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def recent_deliveries_of(
    session: Session, actor: User, endpoint_ids: list[int], limit: int
) -> dict[int, list[WebhookDelivery]]:
    """The newest `limit` deliveries of each of these endpoints, newest first, in one statement (admins)."""
    _require_admin(actor)
    if not endpoint_ids:
        return {}
    rank = (
        func.row_number()
        .over(partition_by=WebhookDelivery.endpoint_id, order_by=WebhookDelivery.id.desc())
        .label("rank")
    )
    ranked = select(WebhookDelivery.id, rank).where(WebhookDelivery.endpoint_id.in_(endpoint_ids)).subquery()
    stmt = (
        select(WebhookDelivery)
        .join(ranked, ranked.c.id == WebhookDelivery.id)
        .where(ranked.c.rank <= limit)
        .order_by(WebhookDelivery.id.desc())
    )
    found: dict[int, list[WebhookDelivery]] = {endpoint_id: [] for endpoint_id in endpoint_ids}
    for delivery in session.scalars(stmt):
        found[delivery.endpoint_id].append(delivery)
    return found


def page_of_deliveries(session: Session, actor: User, endpoint_id: int, number: int, size: int) -> Page:
    """Page `number` of the endpoint's deliveries, newest first (admins); 404 when there is no such endpoint."""
    get_endpoint(session, actor, endpoint_id)
    stmt = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.id.desc())
    )
    return page_of(session, stmt, number, size)


def redeliver(session: Session, actor: User, endpoint_id: int, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, same body and id, with a fresh series of attempts (the outbox sends it after
    commit); 409 while it is still pending."""
    _require_admin(actor)
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint_id:
        raise NotFound(
            N_(
                "No delivery %(delivery_id)s for webhook %(endpoint_id)s.",
                delivery_id=delivery_id,
                endpoint_id=endpoint_id,
            )
        )
    if delivery.state == DeliveryState.PENDING.value:
        raise Conflict(N_("This delivery is still being attempted; wait for it to be delivered or to fail."))
    delivery.state, delivery.error = DeliveryState.PENDING.value, ""
    delivery.attempts, delivery.redeliveries = 0, delivery.redeliveries + 1
    delivery.next_attempt_at, delivery.dispatched_at = utcnow(), None
    session.flush()
    return delivery


# --- announcing events (inside the transaction of the change) ---------------------------------------------


def announce(session: Session, event: WebhookEvent, data: dict[str, Any], now: datetime | None = None) -> int:
    """Write one delivery of `event` for every endpoint subscribed to it (flushed with the caller's work, sent
    after its commit). Returns how many."""
    now = now or utcnow()
    endpoints = [e for e in session.scalars(select(WebhookEndpoint)) if event.value in (e.events or [])]
    for endpoint in endpoints:
        guid = str(uuid.uuid4())
        body = {"event": event.value, "delivery": guid, "occurred_at": now.isoformat(), "data": data}
        session.add(
            WebhookDelivery(
                guid=guid,
                endpoint=endpoint,
                event=event.value,
                body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
                state=DeliveryState.PENDING.value,
                created_at=now,
                next_attempt_at=now,
            )
        )
    return len(endpoints)


def adaptation_data(adaptation: Adaptation, version: PublishedVersion | None = None, **extra: Any) -> dict:
    """What receivers learn of a story: ids, language, the version going out (or live), and `extra`."""
    live = version or (adaptation.versions[-1] if adaptation.versions else None)
    return {
        "adaptation": {
            "id": adaptation.id,
            "article_id": adaptation.article_id,
            "language": adaptation.language,
            "slug": adaptation.slug,
            "title": live.title if live else adaptation.title,
            "version": live.number if live else None,
            "published_at": live.published_at.isoformat() if live and live.published_at else None,
            "correction_note": live.correction_note if live else "",
            **extra,
        }
    }


def draft_data(adaptation: Adaptation, draft: Draft) -> dict:
    """What receivers learn of a draft: its adaptation, the revision drafted, and the outcome."""
    return {
        "draft": {
            "id": draft.id,
            "adaptation_id": adaptation.id,
            "article_id": adaptation.article_id,
            "language": adaptation.language,
            "revision": draft.revision_number,
            "state": draft.state,
            "model": draft.model or None,
            "error": draft.error or None,
            "error_code": draft.error_code or None,
        }
    }


# --- sending (the worker) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryJob:
    """What one attempt needs, detached from the database."""

    delivery_id: int
    guid: str
    event: str
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True)
class AttemptResult:
    """How one attempt went: the answer's status (None: no answer), its latency, and what went wrong."""

    status: int | None
    latency_ms: int | None
    error: str = ""
    refused: bool = False  #: the SSRF guard refused the target: retrying would not help

    @property
    def delivered(self) -> bool:
        """Whether the receiver took it (a 2xx answer)."""
        return self.status is not None and 200 <= self.status < 300


def take_delivery(session: Session, delivery_id: int) -> DeliveryJob | None:
    """The delivery to attempt, or None when it is no longer pending (delivered, failed, or removed)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.state != DeliveryState.PENDING.value:
        return None
    endpoint = delivery.endpoint
    return DeliveryJob(
        delivery.id, delivery.guid, delivery.event, endpoint.url, endpoint.secret, delivery.body
    )


def delivery_headers(job: DeliveryJob) -> dict[str, str]:
    """The headers of every attempt of a delivery."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Adaptdesk-Event": job.event,
        "X-Adaptdesk-Delivery": job.guid,
        "X-Adaptdesk-Signature": sign(job.secret, job.body),
    }


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a checked address, whatever the name resolves to now (the Host header keeps the name)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is still checked against the name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post_delivery(
    job: DeliveryJob,
    allowed: Iterable[IPNetwork],
    *,
    resolver: Resolver = socket.getaddrinfo,
    timeout: float = ATTEMPT_TIMEOUT_SECONDS,
) -> AttemptResult:
    """One attempt: check the target's addresses again, POST the body to a checked one, never follow a
    redirect. Network failures become a result, not an exception."""
    try:
        parts = check_target_url(job.url)
        port = target_port(parts)
        addresses = resolve_checked(parts.hostname, port, allowed, resolver)
    except WebhookRefused as exc:
        return AttemptResult(None, None, f"Refused: {exc}", refused=True)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname, port, str(addresses[0]), timeout)
    started = time.monotonic()
    try:
        connection.request("POST", path, body=job.body, headers=delivery_headers(job))
        answer = connection.getresponse()
        answer.read(MAX_ANSWER_BYTES)
        status = answer.status
    except (OSError, http.client.HTTPException) as exc:
        latency = round((time.monotonic() - started) * 1000)
        return AttemptResult(None, latency, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
    latency = round((time.monotonic() - started) * 1000)
    if 300 <= status < 400:
        return AttemptResult(status, latency, f"Answered {status}: redirects are not followed.")
    if not 200 <= status < 300:
        return AttemptResult(status, latency, f"Answered {status}.")
    return AttemptResult(status, latency)


@dataclass(frozen=True)
class AttemptOutcome:
    """What became of the delivery after an attempt: its state, and the seconds until the next attempt."""

    state: str
    retry_in: int | None = None


def record_attempt(
    session: Session, job: DeliveryJob, result: AttemptResult, now: datetime | None = None
) -> AttemptOutcome:
    """Log the attempt on the delivery: delivered, failed for good (refused, or the last attempt), or due
    again after a backoff (the task schedules that retry, so the outbox does not send it too)."""
    now = now or utcnow()
    delivery = session.get(WebhookDelivery, job.delivery_id, populate_existing=True)
    if delivery is None or delivery.state != DeliveryState.PENDING.value:
        return AttemptOutcome("skipped")
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code, delivery.latency_ms, delivery.error = (
        result.status,
        result.latency_ms,
        result.error,
    )
    retry_in = None
    if result.delivered:
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED.value, now
    elif result.refused or delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED.value
    else:
        retry_in = retry_delay(delivery.attempts)
        delivery.next_attempt_at = now + timedelta(seconds=retry_in)
        delivery.dispatched_at = now
    session.flush()
    return AttemptOutcome(delivery.state, retry_in)
