"""Editing effort on the real database: rounds measured at submission, active time recorded within bounds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.factories import drive, limits, make_article, make_user
from workflow.domain.effort import MAX_SECONDS_PER_SAVE, SLACK_SECONDS
from workflow.domain.states import Role, State
from workflow.models import EditingTime, utcnow
from workflow.services.adaptations import perform_action, save_adaptation
from workflow.services.effort import effort_for, parse_active_seconds, record_editing_time
from workflow.services.errors import InvalidInput, NotAllowed

#: An original without numbers or dates, so the QA checks at submission have nothing to hold up.
PLAIN_BODY = "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة."
REWRITE_TITLE = "Moscow and Pyongyang seal a pact"
REWRITE_BODY = "Crowds lined streets at dawn as Kim greeted his guest.\n\nBoth leaders praised their deal."


def _article():
    return make_article(body=PLAIN_BODY)


def _save(session, actor, adaptation, title, body):
    save_adaptation(
        session, actor, adaptation, title=title, body=body, version=adaptation.version, limits=limits()
    )


def test_submitting_an_untouched_draft_measures_zero_against_that_draft(session):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = drive(_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    draft = adaptation.draft
    perform_action(session, adaptor, adaptation, "submit")
    round_ = adaptation.rounds[-1]
    assert (round_.draft_id, round_.effort_score) == (draft.id, 0.0)
    assert effort_for(session, adaptation).to_json() == {"score": 0, "seconds": 0, "rounds": 1}


def test_rounds_are_counted_across_request_changes_and_the_latest_score_counts(session):
    adaptor, editor = make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    adaptation = drive(_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    _save(session, adaptor, adaptation, adaptation.title, adaptation.body.replace("welcomed", "greeted"))
    perform_action(session, adaptor, adaptation, "submit")
    first = adaptation.rounds[0].effort_score
    assert 0 < first < 50

    perform_action(session, editor, adaptation, "request-changes", comment="Rewrite it.")
    perform_action(session, adaptor, adaptation, "claim")
    _save(session, adaptor, adaptation, REWRITE_TITLE, REWRITE_BODY)
    perform_action(session, adaptor, adaptation, "submit")
    perform_action(session, editor, adaptation, "request-changes", comment="Once more.")
    perform_action(session, adaptor, adaptation, "claim")
    perform_action(session, adaptor, adaptation, "submit")

    scores = [r.effort_score for r in adaptation.rounds]
    assert [r.number for r in adaptation.rounds] == [1, 2, 3]
    assert scores[0] == first and scores[1] == scores[2] >= 85  # a rewrite: only "the" and stops survive
    assert all(r.draft_id == adaptation.draft.id for r in adaptation.rounds)
    effort = effort_for(session, adaptation)
    assert (effort.rounds, effort.score) == (3, scores[2])


def test_written_from_scratch_has_no_draft_and_no_score(session):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = drive(_article().adaptations[0], State.MT_FAILED)
    perform_action(session, adaptor, adaptation, "claim")
    _save(session, adaptor, adaptation, "My own title", "My own text.")
    perform_action(session, adaptor, adaptation, "submit")
    assert (adaptation.rounds[0].draft_id, adaptation.rounds[0].effort_score) == (None, None)
    assert effort_for(session, adaptation).to_json() == {"score": None, "seconds": 0, "rounds": 1}


def test_the_newest_ready_draft_is_the_baseline(session):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = drive(_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    assert effort_for(session, adaptation).score is None  # never submitted
    perform_action(session, adaptor, adaptation, "submit")
    assert adaptation.rounds[0].draft_id == adaptation.draft.id
    assert adaptation.rounds[0].draft.title == "Putin's historic visit"


def test_the_holder_records_active_time_within_the_wall_clock(session):
    adaptor, editor = make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    adaptation = drive(_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    start = utcnow()
    assert record_editing_time(session, adaptor, adaptation, 0, now=start) is None
    row = record_editing_time(session, adaptor, adaptation, 500, now=start + timedelta(minutes=10))
    assert (row.user_id, row.seconds) == (adaptor.id, 500)
    # The next claim is bounded by the time since that record (60 s) plus the slack.
    with pytest.raises(InvalidInput) as refused:
        record_editing_time(
            session, adaptor, adaptation, 60 + SLACK_SECONDS + 30, now=start + timedelta(minutes=11)
        )
    assert refused.value.field == "active_seconds"
    record_editing_time(session, adaptor, adaptation, 150, now=start + timedelta(minutes=11))
    # An editor may edit (and so record time) too; everyone's seconds add up.
    record_editing_time(session, editor, adaptation, 100, now=start + timedelta(minutes=12))
    assert effort_for(session, adaptation).seconds == 750
    rows = session.scalars(select(EditingTime).where(EditingTime.adaptation_id == adaptation.id)).all()
    assert sorted((r.user_id, r.seconds) for r in rows) == sorted(
        [(adaptor.id, 500), (adaptor.id, 150), (editor.id, 100)]
    )


def test_claims_beyond_the_time_since_taking_it_or_the_cap_are_refused(session):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = drive(_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    now = utcnow()
    with pytest.raises(InvalidInput) as refused:
        record_editing_time(session, adaptor, adaptation, 3600, now=now + timedelta(minutes=5))
    assert refused.value.field == "active_seconds" and "at most" in refused.value.message
    with pytest.raises(InvalidInput):
        record_editing_time(
            session, adaptor, adaptation, MAX_SECONDS_PER_SAVE + 1, now=now + timedelta(days=3)
        )
    with pytest.raises(InvalidInput):
        record_editing_time(session, adaptor, adaptation, -5, now=now)
    record_editing_time(session, adaptor, adaptation, MAX_SECONDS_PER_SAVE, now=now + timedelta(days=3))


def test_only_someone_who_may_edit_records_time(session):
    holder, other = make_user(Role.ADAPTOR), make_user(Role.ADAPTOR)
    adaptation = drive(_article().adaptations[0], State.IN_ADAPTATION, adaptor=holder)
    later = utcnow() + timedelta(minutes=5)
    for outsider in (other, adaptation.article.reporter):
        with pytest.raises(NotAllowed):
            record_editing_time(session, outsider, adaptation, 60, now=later)
    perform_action(session, holder, adaptation, "submit")
    with pytest.raises(NotAllowed):  # in review, only editors edit
        record_editing_time(session, holder, adaptation, 60, now=later)
    published = drive(_article().adaptations[0], State.PUBLISHED)
    with pytest.raises(NotAllowed):
        record_editing_time(session, make_user(Role.EDITOR), published, 60, now=later)


def test_an_editor_in_review_is_bounded_by_the_time_since_submission(session):
    adaptor, editor = make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    adaptation = drive(_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    claimed = utcnow()
    perform_action(session, adaptor, adaptation, "submit")
    session.flush()
    with pytest.raises(InvalidInput):
        record_editing_time(session, editor, adaptation, 600, now=claimed + timedelta(minutes=2))
    record_editing_time(session, editor, adaptation, 200, now=claimed + timedelta(minutes=2))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("0", 0),
        ("42", 42),
        (" 7 ", 7),
        (42, 42),
        (MAX_SECONDS_PER_SAVE, MAX_SECONDS_PER_SAVE),
    ],
)
def test_parse_active_seconds_accepts_whole_seconds(raw, expected):
    assert parse_active_seconds(raw) == expected


@pytest.mark.parametrize(
    "raw", ["-1", "abc", "1.5", -1, 1.5, True, [3], "1e3", MAX_SECONDS_PER_SAVE + 1, "9" * 12]
)
def test_parse_active_seconds_refuses_anything_else_naming_the_field(raw):
    with pytest.raises(InvalidInput) as refused:
        parse_active_seconds(raw)
    assert refused.value.field == "active_seconds"


def test_the_api_form_takes_integers_only():
    with pytest.raises(InvalidInput):
        parse_active_seconds("12", allow_text=False)
    assert parse_active_seconds(12, allow_text=False) == 12
