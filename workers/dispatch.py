"""Handing draft jobs to Celery after their transaction commits (a transactional outbox).

Drafts are written in the same transaction as the submission. Once it commits, their ids are
sent to the broker and marked dispatched; if the broker is down the send is skipped, and the
periodic relay (`adaptdesk.relay`) sends whatever is still pending once it is back.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from workflow.extensions import db
from workflow.models import Draft, DraftState
from workflow.services.drafts import drafts_to_dispatch, mark_dispatched

log = logging.getLogger(__name__)

DRAFT_TASK = "adaptdesk.draft"
_PENDING = "adaptdesk_new_drafts"


def send_drafts(app: Flask, draft_ids: list[int], request_id: str = "") -> list[int]:
    """Send one job per draft to the broker and mark them dispatched; returns the ids that were sent."""
    if not draft_ids:
        return []
    celery = app.extensions["celery"]
    sent: list[int] = []
    try:
        with celery.producer_or_acquire() as producer:
            for draft_id in draft_ids:
                celery.send_task(
                    DRAFT_TASK,
                    args=[draft_id],
                    kwargs={"request_id": request_id},
                    producer=producer,
                    retry=True,
                    retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
                )
                sent.append(draft_id)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the relay will send the rest later
        log.warning(
            "broker unavailable, %d draft job(s) left for the relay: %s", len(draft_ids) - len(sent), exc
        )
    if sent:
        session = db.session_factory()
        try:
            mark_dispatched(session, sent)
            session.commit()
        finally:
            session.close()
    return sent


def dispatch_pending(app: Flask) -> list[int]:
    """Send every draft job that was never sent, was lost by the broker, or stalled on a dead worker."""
    settings = app.config["ADAPTDESK"]
    session = db.session_factory()
    try:
        ids = drafts_to_dispatch(
            session,
            resend_after_seconds=settings.draft_resend_seconds,
            lease_seconds=settings.draft_timeout_seconds + 120,
        )
    finally:
        session.close()
    return send_drafts(app, ids, request_id="relay")


def _collect_new_drafts(session: Session, _context) -> None:
    # New drafts, and drafts put back in the queue (retries): anything queued and not yet sent.
    ids = [
        obj.id
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Draft) and obj.state == DraftState.QUEUED.value and obj.dispatched_at is None
    ]
    if ids:
        session.info.setdefault(_PENDING, []).extend(ids)


def _send_after_commit(session: Session) -> None:
    ids = sorted(set(session.info.pop(_PENDING, None) or []))
    if not ids or not has_app_context() or not current_app.config.get("ADAPTDESK_DISPATCH", True):
        return
    request_id = g.get("request_id", "") if has_request_context() else ""
    send_drafts(current_app._get_current_object(), ids, request_id)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def install_dispatch_on_commit() -> None:
    """After each commit that created drafts, send their jobs (unless the app sets ADAPTDESK_DISPATCH off)."""
    for name, listener in (
        ("after_flush", _collect_new_drafts),
        ("after_commit", _send_after_commit),
        ("after_rollback", _forget_after_rollback),
    ):
        if not event.contains(db.session_factory, name, listener):
            event.listen(db.session_factory, name, listener)
