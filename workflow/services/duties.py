"""Periodic duties: relay draft jobs (and webhook deliveries and mail the broker lost), test newly placed
models and re-queue the drafts they now serve, publish scheduled adaptations, write the daily mail digests.

Each is a thin Celery task (by name, DUTY_TASKS) that Celery's beat sends every period (duty_periods). Every
`adaptdesk worker` (and so `adaptdesk serve`, which starts one) embeds a beat unless started with
`--no-duties`; before sending a duty, a beat must win the duty's lock row in the database for the round
(win_round), which every worker shares whatever the broker: each round one beat sends it, so several workers
never relay twice, and when the winner dies another wins the next round. Like the outbox, duties commit, each
in short transactions of its own.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..config import Settings
from ..extensions import db
from ..models import DutyLock, utcnow
from ..mt.engine import EngineSettings, TranslationEngine
from ..mt.probe import check_new_packages
from .adaptations import publish_due
from .drafts import requeue_drafts_with_models
from .mail import write_digests
from .notifications import warn_due_soon
from .outbox import outbox_of

log = logging.getLogger(__name__)

#: Seconds between scheduled publications checks, at least.
PUBLISH_PERIOD = 60.0
#: Each duty's lock name and the name of the task that does it (workflow/ never imports workers/).
DUTY_TASKS = {
    "relay": "adaptdesk.relay",
    "models": "adaptdesk.requeue_for_models",
    "publish": "adaptdesk.publish_due",
    "digest": "adaptdesk.digest",
}


def take_duty(session: Session, name: str, holder: str, seconds: float, now: datetime | None = None) -> bool:
    """Hold the duty `name` for `seconds` unless another holder's hold has not run out yet; flushes."""
    now = now or utcnow()
    until = now + timedelta(seconds=seconds)
    taken = session.execute(
        update(DutyLock)
        .where(DutyLock.name == name, DutyLock.expires_at <= now)
        .values(holder=holder, expires_at=until)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken:
        return True
    if session.get(DutyLock, name) is not None:
        return False
    try:
        with session.begin_nested():  # two workers may create the row at once: one wins
            session.add(DutyLock(name=name, holder=holder, expires_at=until))
    except IntegrityError:
        return False
    return True


def requeue_served_drafts(session: Session, settings: Settings) -> list[int]:
    """Queue again the drafts that failed for want of a model and that an installed model now serves
    (directly or through English); flushes, the caller commits (the outbox then sends them)."""
    engine = TranslationEngine(EngineSettings.from_app_settings(settings))  # reads metadata; loads no model
    return requeue_drafts_with_models(session, engine.can_translate)


def relay_jobs(app: Flask) -> int:
    """Send draft jobs never sent, lost by the broker, or whose worker's heartbeat lapsed; webhook
    deliveries never sent or long overdue; mail jobs never sent or lost."""
    outbox = outbox_of(app)
    return len(outbox.relay()) + len(outbox.relay_deliveries()) + len(outbox.relay_mails())


def requeue_for_new_models(app: Flask) -> int:
    """Test packages placed in the folder since the last round, then re-queue the drafts they serve."""
    settings = app.config["ADAPTDESK"]
    for pair in check_new_packages(settings.argos_packages_dir):
        log.info("Checked translation model %s: %s %s", pair.name, pair.status, pair.problem)
    requeued = requeue_served_drafts(db.session, settings)
    db.session.commit()
    if requeued:
        log.info("Re-queued %d draft(s) whose language pair a model now serves", len(requeued))
    return len(requeued)


def publish_scheduled(_app: Flask) -> int:
    """Publish scheduled adaptations whose time has come; then tell the people working on adaptations due
    within the hour (the same minutely round)."""
    published = publish_due(db.session)
    db.session.commit()
    warned = warn_due_soon(db.session)
    db.session.commit()
    if warned:
        log.info("Deadline within the hour: told the people working on %d adaptation(s)", len(warned))
    return len(published)


def mail_digests(app: Flask) -> int:
    """Write today's daily digests that are due (from ADAPTDESK_MAIL_DIGEST_HOUR in the newsroom's zone), once
    per person and day; the outbox sends their jobs once this commits. Nothing without a mail server."""
    settings = app.config["ADAPTDESK"]
    if settings.smtp is None:
        return 0
    written = write_digests(db.session, zone=settings.timezone, hour=settings.mail_digest_hour)
    db.session.commit()
    if written:
        log.info("Daily digest: %d to mail", len(written))
    return len(written)


def duty_periods(settings: Settings) -> dict[str, float]:
    """Seconds between rounds of each duty: the relay's interval (the digests' too, when mail is sent: looking
    for a due one is one query), and at least a minute for publishing."""
    every = settings.relay_interval_seconds
    periods = {"relay": every, "models": every, "publish": max(PUBLISH_PERIOD, every)}
    if settings.smtp is not None:  # no mail server, no digest to write
        periods["digest"] = every
    return periods


def win_round(session: Session, name: str, holder: str, period: float, now: datetime | None = None) -> bool:
    """Take the duty `name` for the round of `period` seconds that starts now, unless another holder has it;
    flushes, the caller commits."""
    # Held a little less than a period, so the winner of this round, due again one period later, wins the next.
    return take_duty(session, name, holder, period - min(max(period / 10, 0.5), period / 2), now=now)
