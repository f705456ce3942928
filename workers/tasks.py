"""Thin Celery tasks: ids in, re-fetch, call a service or the translation engine, commit."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy.exc import OperationalError

from workflow.domain.glossary import apply_terms, find_terms
from workflow.domain.segment import join_segments, segment_text
from workflow.extensions import db
from workflow.models import DraftError
from workflow.services import drafts as draft_service
from workflow.services import glossary as glossary_service
from workflow.services import memory as memory_service
from workflow.services.adaptations import publish_due as publish_due_service

from .dispatch import dispatch_pending
from .mt.engine import EngineSettings, MissingModelError, TranslationEngine, get_engine

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
        return translate_job(job, engine_for(settings))
    except MissingModelError as exc:
        db.session.rollback()
        draft_service.fail_draft(db.session, job.draft_id, str(exc), code=DraftError.MISSING_MODEL)
        db.session.commit()
        return "failed"
    except TRANSIENT:
        db.session.rollback()
        draft_service.release_job(db.session, job.draft_id)
        db.session.commit()
        raise
    except SoftTimeLimitExceeded:
        db.session.rollback()
        draft_service.fail_draft(
            db.session,
            job.draft_id,
            "Machine translation took longer than "
            f"{settings.draft_timeout_seconds} s and was stopped. Adapt from the original, "
            "or ask an admin to raise ADAPTDESK_DRAFT_TIMEOUT.",
            code=DraftError.TIMEOUT,
        )
        db.session.commit()
        return "failed"
    except Exception as exc:  # a broken model or unexpected input: retrying would fail the same way
        log.exception("draft %s failed", job.draft_id)
        db.session.rollback()
        draft_service.fail_draft(
            db.session,
            job.draft_id,
            f"Machine translation failed: {exc}. "
            "Adapt from the original; an admin can check the model with `adaptdesk models list`.",
            code=DraftError.TRANSLATION,
        )
        db.session.commit()
        return "failed"


def engine_for(settings) -> TranslationEngine:
    """This worker process's translation engine, configured from the app's settings."""
    return get_engine(EngineSettings.from_app_settings(settings))


def translate_job(job: draft_service.DraftJob, engine: TranslationEngine) -> str:
    """Segment the job's text, fill what memory knows exactly, machine-translate the rest, apply the glossary."""
    segments = segment_text(job.body, job.source_language)
    draft_service.store_segments(
        db.session, job.draft_id, [(s.index, s.paragraph, s.source) for s in segments]
    )
    db.session.commit()
    sources = [job.title] + [s.source for s in segments]
    pair = (job.source_language, job.target_language)
    remembered = memory_service.prefill(db.session, *pair, sources)
    terms = glossary_service.terms_for(db.session, *pair)
    db.session.commit()
    pending = [i for i in range(len(sources)) if i not in remembered]
    hits = {i: find_terms(sources[i], job.source_language, terms) for i in pending}
    # Each glossary term found rides along alone, so its usual machine rendering can be spotted and replaced.
    term_sources = list(dict.fromkeys(hit.source for found in hits.values() for hit in found))
    batch = [sources[i] for i in pending] + term_sources
    body_known = sum(1 for i in remembered if i > 0)

    def on_progress(done: int, total: int) -> None:
        # Progress counts body segments; remembered ones are done from the start.
        body_done = body_known + done * (len(segments) - body_known) // max(total, 1)
        if body_done < len(segments):
            draft_service.set_progress(db.session, job.draft_id, body_done)
            db.session.commit()

    translated = engine.translate_segments(batch, *pair, on_progress=on_progress) if batch else []
    term_mt = dict(zip(term_sources, translated[len(pending) :], strict=False))
    texts = dict(remembered)
    for i, text in zip(pending, translated, strict=False):
        texts[i] = apply_terms(text, [(term_mt.get(h.source, ""), h.target) for h in hits[i]])
    model_name = (
        " → ".join(p.name or p.code for p in engine.route(*pair)) if pending else "translation memory"
    )
    body = join_segments([(s.paragraph, texts[s.index + 1]) for s in segments])
    draft_service.store_translations(
        db.session,
        job.draft_id,
        {s.index: texts[s.index + 1] for s in segments},
        from_memory={i - 1 for i in remembered if i > 0},
    )
    finished = draft_service.finish_draft(
        db.session, job.draft_id, title=texts[0], body=body, model=model_name
    )
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
