"""Services on the real database: submission, revision, claims, saves, review rounds, credits, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.factories import drive, finish_draft, limits, make_article, make_user
from workflow.domain.states import Role, State
from workflow.models import AppendOnlyError, Draft, HistoryEntry, utcnow
from workflow.services.adaptations import (
    acknowledge_source_change,
    perform_action,
    publish_due,
    save_adaptation,
)
from workflow.services.articles import revise_article
from workflow.services.errors import InvalidInput, NotAllowed, StaleVersion
from workflow.services.queries import credits_for, history_for


def actions(session, adaptation):
    return [(h.action, h.from_state, h.to_state) for h in history_for(session, adaptation)]


def test_submission_opens_one_adaptation_and_draft_job_per_target(session):
    reporter = make_user(Role.REPORTER, name="Ahmad Abdallah")
    article = make_article(reporter, targets=["en", "fr"])
    assert [(a.language, a.state) for a in article.adaptations] == [("en", "queued"), ("fr", "queued")]
    for adaptation in article.adaptations:
        assert [(d.revision_number, d.state) for d in adaptation.drafts] == [(1, "queued")]
        assert credits_for(adaptation).as_list() == [
            {"role": "reporter", "username": reporter.username, "name": "Ahmad Abdallah"}
        ]
        assert actions(session, adaptation) == [("create", None, "queued")]


def test_only_reporters_submit(session):
    with pytest.raises(NotAllowed):
        make_article(make_user(Role.ADAPTOR))


def test_claim_seeds_text_from_a_ready_draft(session):
    adaptation = make_article().adaptations[0]
    finish_draft(adaptation, title="Draft title", body="Draft body.")
    perform_action(session, make_user(Role.ADAPTOR), adaptation, "claim")
    assert (adaptation.title, adaptation.body, adaptation.based_on_revision) == (
        "Draft title",
        "Draft body.",
        1,
    )


def test_a_draft_arriving_after_the_claim_never_overwrites_the_adaptor(session):
    adaptation = make_article().adaptations[0]
    adaptor = make_user(Role.ADAPTOR)
    perform_action(session, adaptor, adaptation, "claim")
    save_adaptation(
        session,
        adaptor,
        adaptation,
        title="Mine",
        body="My own words.",
        version=adaptation.version,
        limits=limits(),
    )
    finish_draft(adaptation, title="Machine", body="Machine words.")
    assert (adaptation.state, adaptation.title, adaptation.body) == ("in_adaptation", "Mine", "My own words.")
    assert adaptation.draft.body == "Machine words."


def test_stale_save_is_refused_with_both_texts_and_nothing_lost(session):
    adaptor, editor = make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    adaptation = drive(make_article().adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    opened = adaptation.version
    save_adaptation(
        session, editor, adaptation, title="Editor", body="Editor text.", version=opened, limits=limits()
    )
    with pytest.raises(StaleVersion) as refused:
        save_adaptation(
            session,
            adaptor,
            adaptation,
            title="Adaptor",
            body="Adaptor text.",
            version=opened,
            limits=limits(),
        )
    assert refused.value.status == 409
    assert refused.value.details["current"]["body"] == "Editor text."
    assert refused.value.details["yours"]["body"] == "Adaptor text."
    assert adaptation.body == "Editor text."


def test_credits_survive_rounds_and_reassignment_in_order(session):
    reporter = make_user(Role.REPORTER, name="Ahmad Abdallah")
    first, second = (
        make_user(Role.ADAPTOR, name="Nadine Sassine"),
        make_user(Role.ADAPTOR, name="Omar Khalil"),
    )
    editor = make_user(Role.EDITOR, name="Rima Haddad")
    adaptation = drive(make_article(reporter).adaptations[0], State.IN_REVIEW, adaptor=first, editor=editor)
    perform_action(session, editor, adaptation, "request-changes", comment="Tighten the lede.")
    perform_action(session, editor, adaptation, "reassign", assignee=second.username)
    perform_action(session, second, adaptation, "submit")
    perform_action(session, editor, adaptation, "request-changes", comment="One more pass.")
    perform_action(session, editor, adaptation, "reassign", assignee=first.username)
    perform_action(session, first, adaptation, "submit")
    perform_action(session, editor, adaptation, "approve")
    in_session = credits_for(adaptation).as_list()
    session.flush()
    session.expire_all()  # and as stored: the same
    credits = credits_for(adaptation)
    assert credits.as_list() == in_session
    assert [u.display_name for u in credits.adaptors] == ["Nadine Sassine", "Omar Khalil"]
    assert [u.display_name for u in credits.editors] == ["Rima Haddad"]
    assert credits.line == "A report by Ahmad Abdallah, English adaptation by Nadine Sassine and Omar Khalil"
    assert [r.decision for r in adaptation.rounds] == ["request-changes", "request-changes", "approve"]


def test_request_changes_and_reject_need_a_comment(session):
    editor = make_user(Role.EDITOR)
    adaptation = drive(make_article().adaptations[0], State.IN_REVIEW, editor=editor)
    for action in ("request-changes", "reject"):
        with pytest.raises(InvalidInput) as refused:
            perform_action(session, editor, adaptation, action, comment="")
        assert refused.value.field == "comment"
    assert adaptation.state == "in_review"


def test_submit_needs_text(session):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = make_article().adaptations[0]
    perform_action(session, adaptor, adaptation, "claim")
    with pytest.raises(InvalidInput):
        perform_action(session, adaptor, adaptation, "submit")


def test_approve_refuses_a_version_the_editor_did_not_see(session):
    adaptor, editor = make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    adaptation = drive(make_article().adaptations[0], State.IN_REVIEW, adaptor=adaptor, editor=editor)
    seen = adaptation.version
    save_adaptation(
        session,
        make_user(Role.EDITOR),
        adaptation,
        title="Changed",
        body="Changed.",
        version=seen,
        limits=limits(),
    )
    with pytest.raises(StaleVersion):
        perform_action(session, editor, adaptation, "approve", version=seen)
    perform_action(session, editor, adaptation, "approve", version=adaptation.version)
    assert adaptation.state == "published"


def test_scheduled_adaptations_publish_when_due(session):
    editor = make_user(Role.EDITOR)
    adaptation = drive(make_article().adaptations[0], State.IN_REVIEW, editor=editor)
    when = utcnow() + timedelta(hours=1)
    perform_action(session, editor, adaptation, "approve", publish_at=when)
    assert adaptation.state == "scheduled"
    assert publish_due(session, now=when - timedelta(minutes=1)) == []
    assert publish_due(session, now=when + timedelta(seconds=1)) == [adaptation.id]
    assert adaptation.state == "published" and adaptation.published_at == when
    assert actions(session, adaptation)[-1] == ("publish", "scheduled", "published")


def test_revision_redrafts_adaptations_without_a_draft_and_flags_those_with_one(session):
    reporter = make_user(Role.REPORTER)
    article = make_article(reporter, targets=["fr", "de", "es"])
    waiting, ready, claimed = article.adaptations
    drive(claimed, State.IN_ADAPTATION)
    finish_draft(ready)
    revise_article(session, reporter, article, {"body": article.latest.body + "\n\nفقرة جديدة."}, limits())
    assert article.current_revision == 2
    assert waiting.state == "queued" and not waiting.source_changed
    assert [d.revision_number for d in waiting.drafts] == [1, 2]
    # A draft was made from revision 1: still claimable, flagged, with the newest revision drafted beside it.
    assert ready.state == "draft_ready" and ready.source_changed and ready.based_on_revision == 1
    assert [(d.revision_number, d.state) for d in ready.drafts] == [(1, "ready"), (2, "queued")]
    assert actions(session, ready)[-1] == ("source-revised", "draft_ready", "draft_ready")
    assert claimed.state == "in_adaptation" and claimed.source_changed
    assert actions(session, claimed)[-1] == ("source-revised", "in_adaptation", "in_adaptation")
    acknowledge_source_change(session, claimed.holder, claimed)
    assert not claimed.source_changed


def test_a_failed_draft_is_redrafted_from_the_newest_revision(session):
    reporter = make_user(Role.REPORTER)
    article = make_article(reporter)
    failed = drive(article.adaptations[0], State.MT_FAILED)
    revise_article(session, reporter, article, {"body": "نص جديد."}, limits())
    assert failed.state == "queued" and not failed.source_changed
    assert actions(session, failed)[-1] == ("redraft", "mt_failed", "queued")


def test_a_revision_after_publication_flags_the_published_adaptation_and_drafts_nothing(session):
    reporter = make_user(Role.REPORTER)
    article = make_article(reporter)
    published = drive(article.adaptations[0], State.PUBLISHED)
    drafts_before = len(published.drafts)
    revise_article(session, reporter, article, {"body": "New text."}, limits())
    assert published.state == "published" and published.source_changed
    assert len(published.drafts) == drafts_before  # a correction starts from the published text
    assert actions(session, published)[-1] == ("source-revised", "published", "published")


def test_only_the_own_reporter_revises(session):
    article = make_article()
    with pytest.raises(NotAllowed):
        revise_article(session, make_user(Role.REPORTER), article, {"body": "Hijack."}, limits())


def test_history_is_append_only(session):
    adaptation = make_article().adaptations[0]
    entry = history_for(session, adaptation)[0]
    entry.comment = "rewritten"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    entry = session.scalar(select(HistoryEntry).where(HistoryEntry.adaptation_id == adaptation.id))
    session.delete(entry)
    with pytest.raises(AppendOnlyError):
        session.flush()


def test_release_returns_to_where_the_draft_stands(session):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = make_article().adaptations[0]
    finish_draft(adaptation)
    perform_action(session, adaptor, adaptation, "claim")
    perform_action(session, adaptor, adaptation, "release")
    assert (adaptation.state, adaptation.holder_id) == ("draft_ready", None)
    assert session.scalar(select(Draft.state).where(Draft.adaptation_id == adaptation.id)) == "ready"


def test_failed_drafts_can_be_queued_again_by_an_admin(session):
    from workflow.models import DraftState
    from workflow.services.drafts import fail_draft, retry_failed_drafts, take_job

    article = make_article(targets=["en", "fr"])
    waiting, claimed = article.adaptations
    for adaptation in article.adaptations:
        take_job(session, adaptation.draft.id, "t", lease_seconds=60)
        fail_draft(session, adaptation.draft.id, "No translation model for Arabic → English is installed.")
    adaptor = make_user(Role.ADAPTOR)
    perform_action(session, adaptor, claimed, "claim")
    with pytest.raises(NotAllowed):
        retry_failed_drafts(session, adaptor)
    retried = retry_failed_drafts(session, make_user(Role.ADMIN), target="en")
    assert retried == [waiting.draft.id]
    assert (
        waiting.state == "queued"
        and waiting.draft.state == DraftState.QUEUED.value
        and not waiting.draft.error
    )
    assert claimed.draft.state == DraftState.FAILED.value
    assert retry_failed_drafts(session, make_user(Role.ADMIN)) == [claimed.draft.id]
    assert claimed.state == "in_adaptation" and claimed.draft.state == DraftState.QUEUED.value
    assert actions(session, waiting)[-1] == ("redraft", "mt_failed", "queued")
