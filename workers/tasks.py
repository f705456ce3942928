"""Thin Celery tasks: ids in, call a service, commit, map failures to outcomes."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy.exc import OperationalError

from workflow.extensions import db
from workflow.models import DraftError, MailState
from workflow.mt.engine import MissingModelError, engine_for
from workflow.services import drafts as draft_service
from workflow.services import duties, mail
from workflow.services import webhooks as webhook_service
from workflow.services.draft_lease import Heartbeat, WorkerStopping, listen_for_stop, stop_requested
from workflow.services.drafting import produce_draft
from workflow.services.drafts import DraftJob, LeaseLost
from workflow.services.outbox import outbox_of

log = logging.getLogger(__name__)

#: Errors worth another try: the database or broker blinked.
TRANSIENT = (OperationalError, ConnectionError, TimeoutError)


@shared_task(
    name="adaptdesk.draft",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=6,
)
def draft_translation(self, draft_id: int, request_id: str = "") -> str:
    """Produce the machine-translation draft for a draft job (the newest revision's), once."""
    settings = current_app.config["ADAPTDESK"]
    listen_for_stop()
    job = draft_service.take_job(
        db.session,
        draft_id,
        self.request.id or f"draft-{draft_id}",
        lease_seconds=settings.draft_lease_seconds,
    )
    db.session.commit()
    if job is None:
        log.info("draft %s: nothing to do (done, superseded or taken) [request %s]", draft_id, request_id)
        return "skipped"
    log.info(
        "draft %s: translating %s→%s revision %s, attempt %s [request %s]",
        job.draft_id,
        job.source_language,
        job.target_language,
        job.revision_number,
        job.attempt,
        request_id,
    )
    heartbeat = Heartbeat(db.session_factory, job.draft_id, job.attempt, settings.draft_heartbeat_seconds)

    def checkpoint() -> None:
        db.session.commit()
        heartbeat.check()

    try:
        with heartbeat:
            finished = produce_draft(db.session, job, engine_for(settings), checkpoint=checkpoint)
            db.session.commit()
        return "ready" if finished else "skipped"
    except LeaseLost:
        db.session.rollback()
        log.warning("draft %s: attempt %s was taken over; its work is dropped", job.draft_id, job.attempt)
        return "lost"
    except WorkerStopping:
        db.session.rollback()
        if draft_service.release_job(db.session, job.draft_id, attempt=job.attempt):
            db.session.commit()
            outbox_of(current_app).send([job.draft_id], request_id)
            log.info("draft %s: the worker is stopping; the job went back to the queue", job.draft_id)
        stop_requested.clear()  # handed back: a stopping worker takes no new job anyway
        return "returned"
    except MissingModelError as exc:
        return _failed(job, str(exc), DraftError.MISSING_MODEL)
    except TRANSIENT:
        db.session.rollback()
        draft_service.release_job(db.session, job.draft_id, attempt=job.attempt)
        db.session.commit()
        raise
    except SoftTimeLimitExceeded:
        return _failed(
            job,
            "Machine translation took longer than "
            f"{settings.draft_timeout_seconds} s and was stopped. Adapt from the original, "
            "or ask an admin to raise ADAPTDESK_DRAFT_TIMEOUT.",
            DraftError.TIMEOUT,
        )
    except Exception as exc:  # a broken model or unexpected input: retrying would fail the same way
        log.exception("draft %s failed", job.draft_id)
        return _failed(
            job,
            f"Machine translation failed: {exc}. "
            "Adapt from the original; an admin can check the model with `adaptdesk models list`.",
            DraftError.TRANSLATION,
        )


def _failed(job: DraftJob, message: str, code: DraftError) -> str:
    """Drop the attempt's unfinished work and record the failure, for people and programs (unless a newer
    attempt holds the draft by now)."""
    db.session.rollback()
    try:
        draft_service.fail_draft(db.session, job.draft_id, message, code=code, attempt=job.attempt)
    except LeaseLost:
        db.session.rollback()
        return "lost"
    db.session.commit()
    return "failed"


@shared_task(
    name="adaptdesk.webhook", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None
)
def deliver_webhook(self, delivery_id: int, request_id: str = "") -> str:
    """POST one webhook delivery (at least once): retried with exponential backoff until it lands or its
    attempts run out; the attempt is logged on the delivery either way."""
    settings = current_app.config["ADAPTDESK"]
    job = webhook_service.take_delivery(db.session, delivery_id)
    db.session.commit()  # no transaction stays open while the receiver answers
    if job is None:
        return "skipped"
    result = webhook_service.post_delivery(job, settings.webhook_allowed_networks)
    outcome = webhook_service.record_attempt(db.session, job, result)
    db.session.commit()
    log.info(
        "webhook delivery %s (%s) to %s: %s, %s [request %s]",
        job.guid,
        job.event,
        job.url,
        result.status or result.error,
        outcome.state if outcome.retry_in is None else f"next attempt in {outcome.retry_in} s",
        request_id,
    )
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


def _mail_context(settings) -> mail.MailContext:
    return mail.MailContext(
        public_url=settings.public_url, sender=settings.smtp.sender, timezone=settings.timezone
    )


@shared_task(name="adaptdesk.mail", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def mail_notification(self, notification_id: int, request_id: str = "") -> str:
    """Mail one notification through ADAPTDESK_SMTP_URL, in its recipient's language: a server that is down
    or answers 4xx is tried again (after 1, 2, 4, 8, 16 s); a 5xx refusal, or the last failure, marks it
    failed."""
    settings = current_app.config["ADAPTDESK"]
    if settings.smtp is None:
        return "skipped"
    job = mail.take_mail(db.session, notification_id, _mail_context(settings))
    db.session.commit()  # no transaction stays open while the mail server answers
    if job is None:
        return "skipped"
    try:
        mail.send_mail(settings.smtp, job.message)
    except (smtplib.SMTPException, OSError) as exc:
        if mail.is_permanent(exc) or self.request.retries >= self.max_retries:
            log.warning(
                "mail of notification %s failed for good: %s [request %s]", notification_id, exc, request_id
            )
            mail.record_mail(db.session, notification_id, MailState.FAILED)
            db.session.commit()
            return "failed"
        log.info(
            "mail of notification %s: attempt %s failed (%s); trying again", notification_id, job.attempt, exc
        )
        raise self.retry(countdown=2**self.request.retries, exc=exc) from None
    mail.record_mail(db.session, notification_id, MailState.SENT)
    db.session.commit()
    log.info("mailed notification %s (attempt %s) [request %s]", notification_id, job.attempt, request_id)
    return "sent"


@shared_task(
    name="adaptdesk.mail_digest", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5
)
def mail_digest(self, digest_id: int, request_id: str = "") -> str:
    """Mail one person's daily digest, in their language; retried like a notification's mail. Once sent, the
    notifications it listed are recorded mailed."""
    settings = current_app.config["ADAPTDESK"]
    if settings.smtp is None:
        return "skipped"
    job = mail.take_digest(db.session, digest_id, _mail_context(settings))
    db.session.commit()
    if job is None:
        return "skipped"
    if job.message is not None:
        try:
            mail.send_mail(settings.smtp, job.message)
        except (smtplib.SMTPException, OSError) as exc:
            if mail.is_permanent(exc) or self.request.retries >= self.max_retries:
                log.warning("digest %s failed for good: %s [request %s]", digest_id, exc, request_id)
                mail.record_digest(db.session, job, MailState.FAILED)
                db.session.commit()
                return "failed"
            log.info("digest %s: attempt %s failed (%s); trying again", digest_id, job.attempt, exc)
            raise self.retry(countdown=2**self.request.retries, exc=exc) from None
    mail.record_digest(db.session, job, MailState.SENT)
    db.session.commit()
    log.info(
        "mailed digest %s of %d notification(s) (attempt %s) [request %s]",
        digest_id,
        len(job.notification_ids),
        job.attempt,
        request_id,
    )
    return "sent"


# --- periodic duties: sent by the workers' beat (workflow.jobs.LockedScheduler), one beat per round ----------


@shared_task(name="adaptdesk.relay")
def relay_draft_jobs() -> int:
    """Send draft jobs never sent, lost by the broker, or whose worker's heartbeat lapsed."""
    sent = duties.relay_jobs(current_app)
    if sent:
        log.info("relay: sent %d draft job(s)", sent)
    return sent


@shared_task(name="adaptdesk.requeue_for_models")
def requeue_drafts_for_new_models() -> int:
    """Test newly placed models, then queue again the drafts that failed for want of one they serve."""
    return duties.requeue_for_new_models(current_app)


@shared_task(name="adaptdesk.publish_due")
def publish_due_adaptations() -> int:
    """Publish the scheduled adaptations whose time has come."""
    published = duties.publish_scheduled(current_app)
    if published:
        log.info("published %d scheduled adaptation(s)", published)
    return published


@shared_task(name="adaptdesk.digest")
def write_daily_digests() -> int:
    """Write the daily digests that are due; their mail jobs are sent once this commits."""
    return duties.mail_digests(current_app)
