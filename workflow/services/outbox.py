"""Handing draft jobs, webhook deliveries and notification mail to Celery after their transaction commits (a
transactional outbox).

Drafts are written in the same transaction as the submission, and webhook deliveries in the transaction of
the change they announce. Once it commits, their ids are sent to the broker by task name (`adaptdesk.draft`,
`adaptdesk.webhook`; workflow/ never imports the tasks) and marked dispatched. An urgent adaptation's draft
jobs go to a queue of their own (`URGENT_QUEUE`), which workers take from before the queue of other jobs. If
the broker is down the send is skipped, and the periodic relay (`adaptdesk.relay`) sends whatever is still
pending once it is back. Notifications to be mailed and daily digests are sent as `adaptdesk.mail` and
`adaptdesk.mail_digest` jobs when a mail server is configured, and marked dispatched the same way: the relay
sends again the ones the broker lost (workflow.services.mail).

Unlike the other services, the outbox commits: it runs after the caller's transaction has committed, in a
short session of its own, and what it records (a job was handed to the broker) belongs to no caller's work.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import Celery
from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from ..config import Settings
from ..domain.priority import Priority
from ..domain.webhooks import DeliveryState
from ..extensions import db
from ..models import (
    Adaptation,
    Draft,
    DraftState,
    MailDigest,
    MailState,
    Notification,
    WebhookDelivery,
    utcnow,
)
from .drafts import lease_lapsed
from .mail import digests_to_dispatch, mails_to_dispatch, mark_digests_dispatched, mark_mails_dispatched

log = logging.getLogger(__name__)

#: The queue of urgent adaptations' draft jobs: workers list it before the queue of other jobs (workflow.jobs).
URGENT_QUEUE = "adaptdesk-urgent"
DRAFT_TASK = "adaptdesk.draft"
WEBHOOK_TASK = "adaptdesk.webhook"
MAIL_TASK = "adaptdesk.mail"
DIGEST_TASK = "adaptdesk.mail_digest"
#: Key of each app's outbox in `app.extensions`.
OUTBOX = "adaptdesk_outbox"
_PENDING = "adaptdesk_new_drafts"
_PENDING_DELIVERIES = "adaptdesk_new_webhook_deliveries"
_PENDING_MAILS = "adaptdesk_new_mails"
_PENDING_DIGESTS = "adaptdesk_new_digests"


class DraftOutbox:
    """Sends draft jobs to one Celery app's broker by task name, and records which were sent."""

    def __init__(self, celery: Celery, settings: Settings) -> None:
        self.celery = celery
        self.settings = settings

    def send(self, draft_ids: list[int], request_id: str = "") -> list[int]:
        """Send one job per draft to the broker (an urgent adaptation's to the urgent queue, first) and mark
        them dispatched; returns the ids that were sent."""
        if not draft_ids:
            return []
        session = db.session_factory()
        try:
            urgent = urgent_drafts(session, draft_ids)
        finally:
            session.close()
        ordered = sorted(draft_ids, key=lambda draft_id: draft_id not in urgent)
        return self._send(
            DRAFT_TASK,
            ordered,
            request_id,
            mark_dispatched,
            "draft job",
            queue_for=lambda draft_id: URGENT_QUEUE if draft_id in urgent else None,
        )

    def send_deliveries(self, delivery_ids: list[int], request_id: str = "") -> list[int]:
        """Send one job per webhook delivery and mark them dispatched; returns the ids that were sent."""
        return self._send(
            WEBHOOK_TASK, delivery_ids, request_id, mark_deliveries_dispatched, "webhook delivery"
        )

    def _send(
        self, task: str, ids: list[int], request_id: str, mark, what: str, queue_for=lambda _job_id: None
    ) -> list[int]:
        if not ids:
            return []
        sent: list[int] = []
        try:
            with self.celery.producer_or_acquire() as producer:
                for job_id in ids:
                    self.celery.send_task(
                        task,
                        args=[job_id],
                        kwargs={"request_id": request_id},
                        producer=producer,
                        queue=queue_for(job_id),
                        retry=True,
                        retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
                    )
                    sent.append(job_id)
        except Exception as exc:  # noqa: BLE001 - any broker failure: the relay will send the rest later
            log.warning(
                "broker unavailable, %d %s(s) left for the relay: %s", len(ids) - len(sent), what, exc
            )
        if sent:
            session = db.session_factory()
            try:
                mark(session, sent)
                session.commit()
            finally:
                session.close()
        return sent

    def send_mails(self, notification_ids: list[int], request_id: str = "") -> list[int]:
        """Send one mail job per notification to be mailed, when a mail server is configured, and mark them
        dispatched (the relay sends again what the broker loses)."""
        if self.settings.smtp is None:
            return []
        return self._send(MAIL_TASK, notification_ids, request_id, mark_mails_dispatched, "mail")

    def send_digests(self, digest_ids: list[int], request_id: str = "") -> list[int]:
        """Send one job per daily digest, when a mail server is configured, and mark them dispatched."""
        if self.settings.smtp is None:
            return []
        return self._send(DIGEST_TASK, digest_ids, request_id, mark_digests_dispatched, "digest")

    def relay_mails(self) -> list[int]:
        """Send again the mail jobs (notifications and digests) never sent or lost by the broker; returns the
        ids of the notifications and digests sent."""
        if self.settings.smtp is None:
            return []
        session = db.session_factory()
        try:
            resend = self.settings.draft_resend_seconds
            mails = mails_to_dispatch(session, resend_after_seconds=resend)
            digests = digests_to_dispatch(session, resend_after_seconds=resend)
        finally:
            session.close()
        return self.send_mails(mails, request_id="relay") + self.send_digests(digests, request_id="relay")

    def relay(self) -> list[int]:
        """Send every draft job that was never sent, was lost by the broker, or whose worker's heartbeat lapsed."""
        session = db.session_factory()
        try:
            ids = drafts_to_dispatch(
                session,
                resend_after_seconds=self.settings.draft_resend_seconds,
                lease_seconds=self.settings.draft_lease_seconds,
            )
        finally:
            session.close()
        return self.send(ids, request_id="relay")

    def relay_deliveries(self) -> list[int]:
        """Send every webhook delivery that was never sent, or whose next attempt is long overdue (lost)."""
        session = db.session_factory()
        try:
            ids = deliveries_to_dispatch(session, resend_after_seconds=self.settings.draft_resend_seconds)
        finally:
            session.close()
        return self.send_deliveries(ids, request_id="relay")


def init_outbox(app: Flask, celery: Celery, settings: Settings) -> DraftOutbox:
    """Give `app` its outbox, and have every commit that queued drafts send their jobs through it."""
    outbox = app.extensions[OUTBOX] = DraftOutbox(celery, settings)
    for name, listener in (
        ("after_flush", _collect_new_drafts),
        ("after_commit", _send_after_commit),
        ("after_rollback", _forget_after_rollback),
    ):
        if not event.contains(db.session_factory, name, listener):
            event.listen(db.session_factory, name, listener)
    return outbox


def outbox_of(app: Flask) -> DraftOutbox:
    """The app's outbox (set by the factory)."""
    return app.extensions[OUTBOX]


def _collect_new_drafts(session: Session, _context) -> None:
    # New drafts, and drafts put back in the queue (retries): anything queued and not yet sent.
    ids = [
        obj.id
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Draft) and obj.state == DraftState.QUEUED.value and obj.dispatched_at is None
    ]
    if ids:
        session.info.setdefault(_PENDING, []).extend(ids)
    # New deliveries, and redeliveries: pending and not yet sent (a retry the task scheduled is marked sent).
    deliveries = [
        obj.id
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, WebhookDelivery)
        and obj.state == DeliveryState.PENDING.value
        and obj.dispatched_at is None
    ]
    if deliveries:
        session.info.setdefault(_PENDING_DELIVERIES, []).extend(deliveries)
    mails = [
        obj.id
        for obj in session.new
        if isinstance(obj, Notification) and obj.mail_state == MailState.PENDING.value
    ]
    if mails:
        session.info.setdefault(_PENDING_MAILS, []).extend(mails)
    digests = [
        obj.id for obj in session.new if isinstance(obj, MailDigest) and obj.state == MailState.PENDING.value
    ]
    if digests:
        session.info.setdefault(_PENDING_DIGESTS, []).extend(digests)


def _send_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint was released: the jobs wait for the real commit
        return
    ids = sorted(set(session.info.pop(_PENDING, None) or []))
    deliveries = sorted(set(session.info.pop(_PENDING_DELIVERIES, None) or []))
    mails = sorted(set(session.info.pop(_PENDING_MAILS, None) or []))
    digests = sorted(set(session.info.pop(_PENDING_DIGESTS, None) or []))
    if not (ids or deliveries or mails or digests) or not has_app_context():
        return
    request_id = g.get("request_id", "") if has_request_context() else ""
    outbox = outbox_of(current_app)
    if ids:
        outbox.send(ids, request_id)
    if deliveries:
        outbox.send_deliveries(deliveries, request_id)
    if mails:
        outbox.send_mails(mails, request_id)
    if digests:
        outbox.send_digests(digests, request_id)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING_DELIVERIES, None)
    session.info.pop(_PENDING_MAILS, None)
    session.info.pop(_PENDING_DIGESTS, None)


#: A new draft is sent right after its commit; the relay leaves it alone this long so it is not sent twice.
DISPATCH_GRACE = timedelta(seconds=15)


def drafts_to_dispatch(
    session: Session,
    *,
    resend_after_seconds: int,
    lease_seconds: int,
    now: datetime | None = None,
    limit: int = 500,
) -> list[int]:
    """Drafts the relay should hand to Celery: never sent, sent but not started in time, or held by a worker
    whose heartbeat lapsed (sent again at most once per lease, so a dead cluster does not pile up copies)."""
    now = now or utcnow()
    never_sent = Draft.dispatched_at.is_(None) & (Draft.created_at < now - DISPATCH_GRACE)
    lease = timedelta(seconds=lease_seconds)
    stmt = (
        select(Draft.id)
        .where(
            or_(
                (Draft.state == DraftState.QUEUED.value)
                & or_(never_sent, Draft.dispatched_at < now - timedelta(seconds=resend_after_seconds)),
                (Draft.state == DraftState.TRANSLATING.value)
                & lease_lapsed(now, lease_seconds)
                & or_(Draft.dispatched_at.is_(None), Draft.dispatched_at < now - lease),
            )
        )
        .order_by(Draft.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def urgent_drafts(session: Session, draft_ids: list[int]) -> set[int]:
    """Which of these drafts are for urgent adaptations."""
    stmt = (
        select(Draft.id)
        .join(Adaptation, Adaptation.id == Draft.adaptation_id)
        .where(Draft.id.in_(draft_ids), Adaptation.priority == Priority.URGENT.value)
    )
    return set(session.scalars(stmt))


def mark_dispatched(session: Session, draft_ids: list[int], now: datetime | None = None) -> None:
    """Record that these drafts were handed to the broker."""
    if draft_ids:
        session.execute(update(Draft).where(Draft.id.in_(draft_ids)).values(dispatched_at=now or utcnow()))
        session.flush()


def deliveries_to_dispatch(
    session: Session, *, resend_after_seconds: int, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Pending webhook deliveries the relay should hand to Celery: never sent (past the grace), or whose next
    attempt is overdue by more than `resend_after_seconds` (the broker lost the job or its retry)."""
    now = now or utcnow()
    stmt = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.state == DeliveryState.PENDING.value,
            or_(
                WebhookDelivery.dispatched_at.is_(None)
                & (WebhookDelivery.next_attempt_at < now - DISPATCH_GRACE),
                WebhookDelivery.next_attempt_at < now - timedelta(seconds=resend_after_seconds),
            ),
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def mark_deliveries_dispatched(
    session: Session, delivery_ids: list[int], now: datetime | None = None
) -> None:
    """Record that these deliveries were handed to the broker."""
    if delivery_ids:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(delivery_ids))
            .values(dispatched_at=now or utcnow())
        )
        session.flush()
