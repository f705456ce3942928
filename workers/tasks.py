"""Thin Celery tasks: ids in, call a service, commit, map failures to outcomes."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy.exc import OperationalError

from workflow.extensions import db
from workflow.models import DraftError
from workflow.mt.engine import MissingModelError, engine_for
from workflow.services import drafts as draft_service
from workflow.services.adaptations import publish_due as publish_due_service
from workflow.services.drafting import produce_draft
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
    job = draft_service.take_job(
        db.session,
        draft_id,
        self.request.id or f"draft-{draft_id}",
        lease_seconds=settings.draft_timeout_seconds + 60,
    )
    db.session.commit()
    if job is None:
        log.info("draft %s: nothing to do (done, superseded or taken) [request %s]", draft_id, request_id)
        return "skipped"
    log.info(
        "draft %s: translating %s→%s revision %s [request %s]",
        job.draft_id,
        job.source_language,
        job.target_language,
        job.revision_number,
        request_id,
    )
    try:
        finished = produce_draft(db.session, job, engine_for(settings), checkpoint=db.session.commit)
        db.session.commit()
        return "ready" if finished else "skipped"
    except MissingModelError as exc:
        return _failed(job.draft_id, str(exc), DraftError.MISSING_MODEL)
    except TRANSIENT:
        db.session.rollback()
        draft_service.release_job(db.session, job.draft_id)
        db.session.commit()
        raise
    except SoftTimeLimitExceeded:
        return _failed(
            job.draft_id,
            "Machine translation took longer than "
            f"{settings.draft_timeout_seconds} s and was stopped. Adapt from the original, "
            "or ask an admin to raise ADAPTDESK_DRAFT_TIMEOUT.",
            DraftError.TIMEOUT,
        )
    except Exception as exc:  # a broken model or unexpected input: retrying would fail the same way
        log.exception("draft %s failed", job.draft_id)
        return _failed(
            job.draft_id,
            f"Machine translation failed: {exc}. "
            "Adapt from the original; an admin can check the model with `adaptdesk models list`.",
            DraftError.TRANSLATION,
        )


def _failed(draft_id: int, message: str, code: DraftError) -> str:
    """Drop the attempt's unfinished work and record the failure, for people and programs."""
    db.session.rollback()
    draft_service.fail_draft(db.session, draft_id, message, code=code)
    db.session.commit()
    return "failed"


@shared_task(name="adaptdesk.relay", ignore_result=True)
def relay_draft_jobs() -> int:
    """Send draft jobs that were never sent, were lost by the broker, or stalled on a dead worker."""
    return len(outbox_of(current_app).relay())


@shared_task(name="adaptdesk.publish_due", ignore_result=True)
def publish_due() -> int:
    """Publish scheduled adaptations whose time has come."""
    ids = publish_due_service(db.session)
    db.session.commit()
    return len(ids)
