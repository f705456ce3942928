"""Where the web layer counts and reads story views (Redis when configured, else the database)."""

from __future__ import annotations

import redis
from flask import current_app, request

from ..extensions import db
from ..models import utcnow
from ..services.views import DatabaseViews, RedisViews, ViewStore, recent_views, record_view


def view_store() -> ViewStore:
    """Where views are counted: Redis when REDIS_URL (or a Redis broker) is configured, else the database."""
    url = current_app.config["ADAPTDESK"].redis_url
    if not url:
        return DatabaseViews(db.session)
    client = current_app.extensions.get("adaptdesk_views_redis")
    if client is None:
        client = current_app.extensions["adaptdesk_views_redis"] = redis.Redis.from_url(url, socket_timeout=2)
    return RedisViews(client)


def count_view(story_id: int) -> None:
    """Count this reader's view of the story (no cookie: a salted daily hash of address and user agent)."""
    try:
        record_view(view_store(), story_id, request.remote_addr or "", request.user_agent.string, utcnow())
        db.session.commit()
    except redis.RedisError as exc:  # the story still shows when the counter is away
        current_app.logger.warning("story view not counted: %s", exc)


def story_views_last_week() -> dict[int, int]:
    """Views per story over the last seven days ({} when the counter cannot be reached)."""
    try:
        return recent_views(view_store(), utcnow())
    except redis.RedisError as exc:
        current_app.logger.warning("story views unavailable: %s", exc)
        return {}
