"""Story views: one per visitor per story per day, kept in Redis when configured, else in the database.

A visitor is a salted hash of address, user agent and story; the salt is random per day and deleted with the
day's hashes, so no cookie is set and nothing kept identifies a reader. The caller commits (database store).
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.views import VIEWS_WINDOW_DAYS, is_bot, visitor_hash
from ..models import Adaptation, StoryViewDay, StoryViewVisitor, ViewSalt


class ViewStore(Protocol):
    """Where views are kept."""

    def salt(self, day: date) -> str:
        """The day's salt (made on first use)."""

    def first_visit(self, day: date, visitor: str) -> bool:
        """Remember the visitor for the day; False if already seen."""

    def add_view(self, day: date, story_id: int) -> None:
        """Count one view of the story on the day."""

    def views_since(self, first_day: date) -> dict[int, int]:
        """Views per story from `first_day` on."""


class DatabaseViews:
    """Views in the database: daily counts per story, the day's visitor hashes and salt."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def salt(self, day: date) -> str:
        row = self.session.get(ViewSalt, day)
        if row is None:
            # Yesterday's visitors can no longer be told apart: their hashes and salts go.
            self.session.execute(delete(StoryViewVisitor).where(StoryViewVisitor.day < day))
            self.session.execute(delete(ViewSalt).where(ViewSalt.day < day))
            try:
                with self.session.begin_nested():
                    self.session.add(ViewSalt(day=day, salt=secrets.token_hex(32)))
            except IntegrityError:  # another request made it first
                pass
            row = self.session.get(ViewSalt, day)
        return row.salt

    def first_visit(self, day: date, visitor: str) -> bool:
        try:
            with self.session.begin_nested():
                self.session.add(StoryViewVisitor(day=day, visitor=visitor))
        except IntegrityError:
            return False
        return True

    def add_view(self, day: date, story_id: int) -> None:
        counted = self.session.execute(
            update(StoryViewDay)
            .where(StoryViewDay.adaptation_id == story_id, StoryViewDay.day == day)
            .values(views=StoryViewDay.views + 1)
        )
        if counted.rowcount:
            return
        try:
            with self.session.begin_nested():
                self.session.execute(insert(StoryViewDay).values(adaptation_id=story_id, day=day, views=1))
        except IntegrityError:  # the first view of the day came in at the same time
            self.add_view(day, story_id)

    def views_since(self, first_day: date) -> dict[int, int]:
        rows = self.session.execute(
            select(StoryViewDay.adaptation_id, func.sum(StoryViewDay.views))
            .where(StoryViewDay.day >= first_day)
            .group_by(StoryViewDay.adaptation_id)
        )
        return {story: int(views) for story, views in rows}


class RedisViews:
    """Views in Redis: a hash of counts per day (kept for the window), a set of visitor hashes and a salt
    per day (kept two days)."""

    PREFIX = "adaptdesk:views:"

    def __init__(self, client) -> None:
        self.client = client

    def salt(self, day: date) -> str:
        key = f"{self.PREFIX}salt:{day.isoformat()}"
        self.client.set(key, secrets.token_hex(32), nx=True, ex=2 * 86400)
        return self.client.get(key).decode()

    def first_visit(self, day: date, visitor: str) -> bool:
        key = f"{self.PREFIX}seen:{day.isoformat()}"
        pipe = self.client.pipeline()
        pipe.sadd(key, visitor)
        pipe.expire(key, 2 * 86400)
        return bool(pipe.execute()[0])

    def add_view(self, day: date, story_id: int) -> None:
        key = f"{self.PREFIX}day:{day.isoformat()}"
        pipe = self.client.pipeline()
        pipe.hincrby(key, str(story_id), 1)
        pipe.expire(key, (VIEWS_WINDOW_DAYS + 1) * 86400)
        pipe.execute()

    def views_since(self, first_day: date) -> dict[int, int]:
        days = [first_day + timedelta(days=n) for n in range(VIEWS_WINDOW_DAYS + 1)]
        pipe = self.client.pipeline()
        for day in days:
            pipe.hgetall(f"{self.PREFIX}day:{day.isoformat()}")
        total: Counter[int] = Counter()
        for counts in pipe.execute():
            total.update({int(story): int(views) for story, views in counts.items()})
        return dict(total)


def record_view(store: ViewStore, story_id: int, address: str, user_agent: str, now: datetime) -> bool:
    """Count a reader's view of a story: once per visitor per story per day, never a bot's. True if counted."""
    if is_bot(user_agent):
        return False
    day = now.date()
    if not store.first_visit(day, visitor_hash(store.salt(day), address, user_agent, story_id)):
        return False
    store.add_view(day, story_id)
    return True


def recent_views(store: ViewStore, now: datetime) -> dict[int, int]:
    """Views per story over the window (today and the days before it)."""
    return store.views_since(now.date() - timedelta(days=VIEWS_WINDOW_DAYS - 1))


def most_viewed(session: Session, views: dict[int, int], limit: int) -> list[tuple[Adaptation, int]]:
    """The adaptations with the most `views` (id → views), most viewed first, with their views."""
    ranked = sorted(views, key=lambda story_id: (-views[story_id], -story_id))[:limit]
    stories = {a.id: a for a in session.scalars(select(Adaptation).where(Adaptation.id.in_(ranked)))}
    return [(stories[story_id], views[story_id]) for story_id in ranked if story_id in stories]
