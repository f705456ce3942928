"""Thin Celery tasks: ids in, re-fetch, call a service or the translation engine, commit."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from workflow.extensions import db
from workflow.services import drafts as draft_service
from workflow.services.adaptations import publish_due as publish_due_service

from .dispatch import dispatch_pending
from .mt.engine import MissingModelError, get_engine
from .mt.segment import join_segments, segment_text

log = logging.getLogger(__name__)

#: Errors worth another try: the database or broker blinked.
TRANSIENT = (OperationalError, ConnectionError, TimeoutError)


@shared_task(name="adaptdesk.draft", bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=120, retry_jitter=True,
             max_retries=6)
def draft_translation(self, draft_id: int, request_id: str = "") -> str:
    """Produce the machine-translation draft for a draft job (the newest revision's), once."""
    settings = current_app.config["ADAPTDESK"]
    job = draft_service.take_job(db.session, draft_id, self.request.id or f"draft-{draft_id}",
                                 lease_seconds=settings.draft_timeout_seconds + 60)
    db.session.commit()
    if job is None:
        log.info("draft %s: nothing to do (done, superseded or taken) [request %s]", draft_id, request_id)
        return "skipped"
    log.info("draft %s: translating %s→%s revision %s [request %s]", job.draft_id, job.source_language,
             job.target_language, job.revision_number, request_id)
    try:
        return _translate(job, settings)
    except MissingModelError as exc:
        db.session.rollback()
        draft_service.fail_draft(db.session, job.draft_id, str(exc))
        db.session.commit()
        return "failed"
    except TRANSIENT:
        db.session.rollback()
        draft_service.release_job(db.session, job.draft_id)
        db.session.commit()
        raise


def _translate(job: draft_service.DraftJob, settings) -> str:  # noqa: ANN001
    segments = segment_text(job.body, job.source_language)
    draft_service.store_segments(db.session, job.draft_id, [(s.index, s.paragraph, s.source) for s in segments])
    db.session.commit()
    engine = get_engine()
    sources = [job.title] + [s.source for s in segments]
    reported = {"done": 0}

    def on_progress(done: int, total: int, translations: list[str] | None = None) -> None:
        # The first source is the title; progress counts body segments.
        body_done = max(0, done - 1)
        if translations is None or body_done <= reported["done"]:
            return
        new = {i - 1: translations[i] for i in range(reported["done"] + 1, body_done + 1)}
        draft_service.store_progress(db.session, job.draft_id, new)
        db.session.commit()
        reported["done"] = body_done

    translated, model_name = engine.translate_for_draft(sources, job.source_language, job.target_language,
                                                         on_progress=on_progress)
    body = join_segments([(s.paragraph, text) for s, text in zip(segments, translated[1:])])
    remaining = {s.index: text for s, text in zip(segments, translated[1:]) if s.index >= reported["done"]}
    if remaining:
        draft_service.store_progress(db.session, job.draft_id, remaining)
    finished = draft_service.finish_draft(db.session, job.draft_id, title=translated[0], body=body,
                                          model=model_name)
    db.session.commit()
    return "ready" if finished else "skipped"


@shared_task(name="adaptdesk.relay", ignore_result=True)
def relay_draft_jobs() -> int:
    """Send draft jobs that were never sent, were lost by the broker, or stalled on a dead worker."""
    return len(dispatch_pending(current_app._get_current_object()))


@shared_task(name="adaptdesk.publish_due", ignore_result=True)
def publish_due() -> int:
    """Publish scheduled adaptations whose time has come."""
    ids = publish_due_service(db.session)
    db.session.commit()
    return len(ids)
