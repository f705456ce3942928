"""Counting readers without cookies or personal data: who is a bot, the visitor hash, the high-views tier."""

from __future__ import annotations

import hashlib
import hmac
import math
import re

#: User agents of crawlers, link previewers and scripts (their requests are not readers).
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|scrape|fetch|preview|facebookexternalhit|embedly|curl|wget|python-|httpx|"
    r"go-http-client|java/|okhttp|headless|lighthouse|pingdom|monitor|feed",
    re.IGNORECASE,
)
#: Stories in the top tenth of the last seven days' views carry the "High views" mark …
HIGH_VIEWS_SHARE = 0.1
#: … if they were read at least this often (a quiet site marks nothing).
HIGH_VIEWS_MIN = 5
#: How many days the "Most read" list and the mark look back.
VIEWS_WINDOW_DAYS = 7


def is_bot(user_agent: str) -> bool:
    """Whether a request's user agent is a crawler or a script (no user agent at all counts as one)."""
    return not user_agent.strip() or bool(BOT_AGENT.search(user_agent))


def visitor_hash(salt: str, address: str, user_agent: str, story_id: int) -> str:
    """One visitor's key for one story on the salt's day: nothing about the person can be read back from it,
    and once the day's salt is deleted it cannot be recomputed."""
    message = f"{address}\n{user_agent}\n{story_id}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()


def high_views(counts: dict[int, int]) -> set[int]:
    """The stories in the top tier of `counts` (story id → views in the window)."""
    ranked = sorted(
        ((views, story) for story, views in counts.items() if views >= HIGH_VIEWS_MIN), reverse=True
    )
    if not ranked:
        return set()
    tier = max(1, math.ceil(len(counts) * HIGH_VIEWS_SHARE))
    return {story for _, story in ranked[:tier]}
