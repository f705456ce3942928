"""Periodic duties: relay draft jobs, test newly placed models and re-queue the drafts they now serve,
publish scheduled adaptations.

Every `adaptdesk worker` (and so `adaptdesk serve`, which starts one) runs them on a thread of its main
process, unless started with `--no-duties`. Each duty has a lock row in the database, which every worker
shares whatever the broker: each round one worker wins it, so several workers never relay twice, and when
the winner dies another wins the next round. Like the outbox, duties commit, each in short transactions of
its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
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
from .outbox import outbox_of

log = logging.getLogger(__name__)

#: Seconds between scheduled publications checks (as the former beat schedule).
PUBLISH_PERIOD = 60.0


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
    """Send draft jobs never sent, lost by the broker, or whose worker's heartbeat lapsed; and webhook
    deliveries never sent or long overdue."""
    outbox = outbox_of(app)
    return len(outbox.relay()) + len(outbox.relay_deliveries())


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
    """Publish scheduled adaptations whose time has come."""
    published = publish_due(db.session)
    db.session.commit()
    return len(published)


@dataclass(frozen=True)
class Duty:
    """A periodic duty: run at most once per `period` seconds across all workers."""

    name: str
    period: float
    run: Callable[[Flask], int]


def duties_for(settings: Settings) -> list[Duty]:
    """The duties, with their periods: the relay's interval, and a minute for publishing."""
    every = settings.relay_interval_seconds
    return [
        Duty("relay", every, relay_jobs),
        Duty("models", every, requeue_for_new_models),
        Duty("publish", max(PUBLISH_PERIOD, every), publish_scheduled),
    ]


class DutyRunner:
    """Offers to run each duty every tick (the relay's interval), on a thread of its own."""

    def __init__(self, app: Flask, holder: str) -> None:
        self.app, self.holder = app, holder
        settings: Settings = app.config["ADAPTDESK"]
        self.tick = settings.relay_interval_seconds
        self.duties = duties_for(settings)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="adaptdesk-duties", daemon=True)

    def run_due(self) -> dict[str, int]:
        """Run each duty this worker wins this round; returns what each did (a count), by name."""
        done: dict[str, int] = {}
        with self.app.app_context():
            for duty in self.duties:
                try:
                    # Held a little less than a period, so the winner of this round may win the next.
                    won = take_duty(db.session, duty.name, self.holder, max(duty.period - self.tick / 2, 0.5))
                    db.session.commit()
                    if won:
                        done[duty.name] = duty.run(self.app)
                except Exception:  # a duty that failed is tried again next round
                    db.session.rollback()
                    log.exception("Periodic duty %s failed; it runs again in %g s", duty.name, self.tick)
                finally:
                    db.session.remove()
        return done

    def start(self) -> None:
        """Run the duties now and then every tick, until stopped."""
        log.info("Periodic duties (relay, models, publishing) every %g s, one worker at a time", self.tick)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the round in progress."""
        self._stop.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            self.run_due()
            if self._stop.wait(self.tick):
                return
