"""Handing draft jobs to Celery after their transaction commits (a transactional outbox).

Drafts are written in the same transaction as the submission. Once it commits, their ids are sent to the
broker by task name (`adaptdesk.draft`; workflow/ never imports the tasks) and marked dispatched; if the
broker is down the send is skipped, and the periodic relay (`adaptdesk.relay`) sends whatever is still
pending once it is back.

Unlike the other services, the outbox commits: it runs after the caller's transaction has committed, in a
short session of its own, and what it records (a job was handed to the broker) belongs to no caller's work.
"""

from __future__ import annotations

import logging

from celery import Celery
from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..config import Settings
from ..extensions import db
from ..models import Draft, DraftState
from .drafts import drafts_to_dispatch, mark_dispatched

log = logging.getLogger(__name__)

DRAFT_TASK = "adaptdesk.draft"
#: Key of each app's outbox in `app.extensions`.
OUTBOX = "adaptdesk_outbox"
_PENDING = "adaptdesk_new_drafts"


class DraftOutbox:
    """Sends draft jobs to one Celery app's broker by task name, and records which were sent."""

    def __init__(self, celery: Celery, settings: Settings) -> None:
        self.celery = celery
        self.settings = settings

    def send(self, draft_ids: list[int], request_id: str = "") -> list[int]:
        """Send one job per draft to the broker and mark them dispatched; returns the ids that were sent."""
        if not draft_ids:
            return []
        sent: list[int] = []
        try:
            with self.celery.producer_or_acquire() as producer:
                for draft_id in draft_ids:
                    self.celery.send_task(
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

    def relay(self) -> list[int]:
        """Send every draft job that was never sent, was lost by the broker, or stalled on a dead worker."""
        session = db.session_factory()
        try:
            ids = drafts_to_dispatch(
                session,
                resend_after_seconds=self.settings.draft_resend_seconds,
                lease_seconds=self.settings.draft_timeout_seconds + 120,
            )
        finally:
            session.close()
        return self.send(ids, request_id="relay")


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


def _send_after_commit(session: Session) -> None:
    ids = sorted(set(session.info.pop(_PENDING, None) or []))
    if not ids or not has_app_context():
        return
    request_id = g.get("request_id", "") if has_request_context() else ""
    outbox_of(current_app).send(ids, request_id)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
