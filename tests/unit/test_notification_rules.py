"""Which history entries announce which events, and language pairs as people write them: pure rules."""

from __future__ import annotations

import pytest

from workflow.domain.notifications import (
    AUDIENCE,
    MESSAGES,
    Event,
    event_for,
    message_for,
    parse_language_pairs,
)


@pytest.mark.parametrize(
    "action,to_state,details,event",
    [
        ("draft-ready", "draft_ready", {}, Event.DRAFT_READY),
        ("draft-failed", "mt_failed", {}, Event.DRAFT_FAILED),
        ("claim", "in_adaptation", {}, Event.CLAIMED),
        ("submit", "in_review", {"round": 2}, Event.SUBMITTED),
        ("request-changes", "changes_requested", {}, Event.CHANGES_REQUESTED),
        ("approve", "scheduled", {}, Event.APPROVED),
        ("approve", "published", {"version": 1}, Event.PUBLISHED),
        ("publish", "published", {"version": 1}, Event.PUBLISHED),
        ("approve", "published", {"version": 2}, Event.CORRECTED),
        ("reassign", "in_adaptation", {}, Event.REASSIGNED),
        ("correct", "correcting", {}, Event.REASSIGNED),
        ("source-revised", "in_review", {}, Event.SOURCE_CHANGED),
        ("create", "queued", {}, None),
        ("release", "draft_ready", {}, None),
        ("reject", "rejected", {}, None),
        ("prioritize", "queued", {}, None),
    ],
)
def test_history_entries_announce_the_events_that_concern_someone(action, to_state, details, event):
    assert event_for(action, to_state, details) is event


def test_every_event_has_an_audience_and_a_message():
    assert set(AUDIENCE) == set(MESSAGES) == set(Event)
    assert message_for(Event.SUBMITTED, {"pair": "Arabic → English", "round": 3}) == (
        "Submitted for review, round 3 (Arabic → English)."
    )


@pytest.mark.parametrize(
    "text,pairs",
    [
        ("", []),
        ("ar-en", [("ar", "en")]),
        ("AR>en, fr→en  ar-en", [("ar", "en"), ("fr", "en")]),
        ("ar-ar", None),
        ("arabic-english", None),
        ("ar", None),
        ("ar-e1", None),
    ],
)
def test_language_pairs_are_two_iso_codes_each(text, pairs):
    assert parse_language_pairs(text) == pairs
