"""Priorities and deadline marks: pure rules, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflow.domain.priority import DeadlineMark, Priority, deadline_mark
from workflow.domain.states import State
from workflow.services.errors import InvalidInput
from workflow.services.inputs import ArticleInput, Limits, Timing, parse_priority

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def test_priorities_rank_urgent_first_and_low_last():
    assert sorted(Priority, key=lambda p: p.rank) == [
        Priority.URGENT,
        Priority.HIGH,
        Priority.NORMAL,
        Priority.LOW,
    ]


@pytest.mark.parametrize(
    "due_in,state,mark",
    [
        (timedelta(minutes=-1), State.IN_ADAPTATION, DeadlineMark.OVERDUE),
        (timedelta(0), State.QUEUED, DeadlineMark.OVERDUE),
        (timedelta(minutes=59), State.IN_REVIEW, DeadlineMark.DUE_SOON),
        (timedelta(hours=1), State.CORRECTING, DeadlineMark.DUE_SOON),
        (timedelta(hours=1, seconds=1), State.IN_REVIEW, None),
        (timedelta(hours=-3), State.SCHEDULED, None),  # approved in time or not, the work is done
        (timedelta(hours=-3), State.PUBLISHED, None),
        (timedelta(hours=-3), State.WITHDRAWN, None),
    ],
)
def test_a_deadline_is_overdue_once_past_and_due_soon_within_the_hour_until_the_work_is_done(
    due_in, state, mark
):
    assert deadline_mark(NOW + due_in, state, NOW) is mark


def test_no_deadline_no_mark():
    assert deadline_mark(None, State.IN_ADAPTATION, NOW) is None


def test_a_priority_is_one_of_four_words_and_anything_else_is_refused_naming_the_field():
    assert parse_priority(" High ") is Priority.HIGH
    assert parse_priority("") is None and parse_priority(None) is None
    for bad in ("asap", 1, ["urgent"]):
        with pytest.raises(InvalidInput) as refused:
            parse_priority(bad)
        assert refused.value.field == "priority"


def _article(**extra):
    return {"title": "Title", "body": "Body.", "language": "ar", **extra}


def test_a_submission_sets_priority_and_deadline_for_every_target_unless_a_target_sets_its_own():
    parsed = ArticleInput.parse(
        _article(
            priority="high",
            deadline="2026-12-05T12:00:00Z",
            targets=["en", {"language": "fr", "priority": "urgent", "deadline": "2026-12-05T10:00:00+01:00"}],
        ),
        Limits(),
    )
    assert parsed.targets == ["en", "fr"]
    assert parsed.timing("en") == Timing(Priority.HIGH, datetime(2026, 12, 5, 12, 0, tzinfo=UTC))
    assert parsed.timing("fr") == Timing(Priority.URGENT, datetime(2026, 12, 5, 9, 0, tzinfo=UTC))


def test_a_submission_without_priority_is_normal_with_no_deadline():
    assert ArticleInput.parse(_article(), Limits()).timing("en") == Timing(Priority.NORMAL, None)


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"priority": "now"}, "priority"),
        ({"deadline": "soon"}, "deadline"),
        ({"targets": [{"language": "en", "priority": "top"}]}, "targets.priority"),
        ({"targets": [{"language": "en", "deadline": 5}]}, "targets.deadline"),
        ({"targets": [{"priority": "high"}]}, "targets"),
    ],
)
def test_a_bad_priority_or_deadline_in_a_submission_is_refused_naming_it(extra, field):
    with pytest.raises(InvalidInput) as refused:
        ArticleInput.parse(_article(**extra), Limits())
    assert refused.value.field == field
