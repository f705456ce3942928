"""Stories change: a revised original is reconciled, published stories are corrected or taken down, and
decisions cannot go wrong (four eyes, the hold through review, scheduling bounds, one original per key)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support.factories import drive, finish_draft, limits, make_article, make_user
from workflow.domain.states import Role, State
from workflow.domain.text import word_count
from workflow.models import Article, PublishedVersion, utcnow
from workflow.services import queries
from workflow.services.adaptations import perform_action, publish_due, save_adaptation
from workflow.services.articles import fingerprint, revise_article, submit_article_once
from workflow.services.errors import InvalidInput, ServiceError
from workflow.services.inputs import ArticleInput
from workflow.services.publishing import public_story
from workflow.services.qa import override_finding
from workflow.services.reports import Period, credits_report


@pytest.fixture()
def people(session):
    return {
        "reporter": make_user(Role.REPORTER),
        "adaptor": make_user(Role.ADAPTOR),
        "other": make_user(Role.ADAPTOR),
        "editor": make_user(Role.EDITOR),
    }


def refused(code: str, status: int, call, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)
    assert (caught.value.status, caught.value.code) == (status, code), caught.value.message
    return caught.value


def revise(session, article: Article, body: str = "نص مصحح للتقرير.") -> None:
    revise_article(session, article.reporter, article, {"body": body}, limits())
    session.commit()


# --- a corrected original must be reconciled -------------------------------------------------------------


def test_submit_and_approve_are_refused_until_the_change_is_acknowledged(session, people):
    article = make_article(people["reporter"])
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=people["adaptor"])
    revise(session, article)
    assert adaptation.source_changed and adaptation.based_on_revision == 1
    error = refused("source_changed", 409, perform_action, session, people["adaptor"], adaptation, "submit")
    assert "acknowledge" in error.message
    perform_action(session, people["adaptor"], adaptation, "acknowledge-source", comment="Read it.")
    perform_action(session, people["adaptor"], adaptation, "submit")
    revise(session, article, "نص مصحح مرة ثانية.")
    refused("source_changed", 409, perform_action, session, people["editor"], adaptation, "approve")
    assert adaptation.state == "in_review"


def test_acknowledging_records_the_revision_and_who(session, people):
    article = make_article(people["reporter"])
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=people["adaptor"])
    refused("up_to_date", 409, perform_action, session, people["adaptor"], adaptation, "acknowledge-source")
    revise(session, article)
    refused(
        "stale_revision",
        409,
        perform_action,
        session,
        people["adaptor"],
        adaptation,
        "acknowledge-source",
        revision=1,
    )
    perform_action(session, people["adaptor"], adaptation, "acknowledge-source", comment="Dates.", revision=2)
    entry = queries.history_for(session, adaptation)[-1]
    assert (entry.action, entry.actor_id, entry.comment) == (
        "acknowledge-source",
        people["adaptor"].id,
        "Dates.",
    )
    assert (entry.from_state, entry.to_state, entry.details) == (
        "in_adaptation",
        "in_adaptation",
        {"revision": 2, "previous": 1},
    )
    assert not adaptation.source_changed


def test_a_ready_draft_of_an_older_revision_is_flagged_and_claimed_as_it_is(session, people):
    article = make_article(people["reporter"])
    adaptation = drive(article.adaptations[0], State.DRAFT_READY)
    revise(session, article)
    assert adaptation.state == "draft_ready" and adaptation.source_changed
    assert (adaptation.based_on_revision, article.current_revision) == (1, 2)
    assert adaptation in queries.work_queue(session, states=["draft_ready"], source_changed=True)
    perform_action(session, people["adaptor"], adaptation, "claim")
    assert adaptation.state == "in_adaptation" and adaptation.title == "Putin's historic visit"  # revision 1
    assert adaptation.source_changed and adaptation.based_on_revision == 1
    refused("source_changed", 409, perform_action, session, people["adaptor"], adaptation, "submit")
    perform_action(session, people["adaptor"], adaptation, "acknowledge-source", revision=2)
    perform_action(session, people["adaptor"], adaptation, "submit")
    assert adaptation.state == "in_review"


def test_a_draft_of_the_newest_revision_clears_the_flag_of_an_unclaimed_adaptation(session, people):
    article = make_article(people["reporter"])
    adaptation = drive(article.adaptations[0], State.DRAFT_READY)
    revise(session, article)
    finish_draft(adaptation, title="Revised visit")  # the draft of revision 2, queued by the revision
    assert adaptation.state == "draft_ready" and not adaptation.source_changed
    perform_action(session, people["adaptor"], adaptation, "claim")
    assert (adaptation.title, adaptation.based_on_revision) == ("Revised visit", 2)


def test_changes_requested_is_flagged_and_resubmitted_after_acknowledging(session, people):
    article = make_article(people["reporter"])
    adaptation = drive(
        article.adaptations[0], State.CHANGES_REQUESTED, adaptor=people["adaptor"], editor=people["editor"]
    )
    revise(session, article)
    assert adaptation.state == "changes_requested" and adaptation.source_changed
    assert queries.history_for(session, adaptation)[-1].action == "source-revised"
    refused("source_changed", 409, perform_action, session, people["adaptor"], adaptation, "submit")
    perform_action(session, people["adaptor"], adaptation, "acknowledge-source", comment="Read it.")
    perform_action(session, people["adaptor"], adaptation, "submit")
    assert adaptation.state == "in_review" and adaptation.rounds[-1].source_revision == 2


def test_a_scheduled_story_whose_original_changed_stays_scheduled_and_is_listed_first(session, people):
    article = make_article(people["reporter"], targets=["en", "fr"])
    held, due = (
        drive(a, State.SCHEDULED, adaptor=people["adaptor"], editor=people["editor"])
        for a in article.adaptations
    )
    revise(session, article)
    perform_action(session, people["editor"], due, "acknowledge-source")
    published = publish_due(session, now=utcnow() + timedelta(days=2))
    assert published == [due.id]
    assert (held.state, due.state) == ("scheduled", "published")
    assert queries.source_changed_stories(session) == [held]
    perform_action(session, people["editor"], held, "acknowledge-source")
    assert publish_due(session, now=utcnow() + timedelta(days=2)) == [held.id]
    assert held.versions[0].published_at == held.publish_at


def test_an_original_revised_after_publication_flags_its_story_for_editors(session, people):
    article = make_article(people["reporter"])
    story = drive(article.adaptations[0], State.PUBLISHED, adaptor=people["adaptor"], editor=people["editor"])
    assert queries.source_changed_stories(session) == []
    revise(session, article)
    assert story.state == "published" and story.source_changed
    assert queries.source_changed_stories(session) == [story]
    assert queries.work_queue(session, states=["published"], source_changed=True) == [story]


# --- corrections after publication -----------------------------------------------------------------------


def correct(session, people, story, text="Pyongyang welcomed Putin.\n\nA corrected partnership was signed."):
    perform_action(session, people["editor"], story, "correct")
    save_adaptation(
        session,
        people["adaptor"],
        story,
        title=story.title,
        body=text,
        version=story.version,
        limits=limits(),
    )
    perform_action(session, people["adaptor"], story, "submit")


def test_a_correction_round_keeps_the_published_text_up_until_approved(session, people):
    article = make_article(people["reporter"])
    story = drive(article.adaptations[0], State.PUBLISHED, adaptor=people["adaptor"], editor=people["editor"])
    first = public_story(story)
    assert (first.version, first.corrections) == (1, [])
    perform_action(session, people["editor"], story, "correct")
    assert (story.state, story.holder_id) == ("correcting", people["adaptor"].id)  # who adapted it
    correct_text = "Pyongyang welcomed Putin.\n\nA corrected partnership was signed."
    save_adaptation(
        session,
        people["adaptor"],
        story,
        title=story.title,
        body=correct_text,
        version=story.version,
        limits=limits(),
    )
    assert public_story(story).body == first.body  # the page keeps the published text
    perform_action(session, people["adaptor"], story, "submit")
    assert story.state == "in_review" and public_story(story).body == first.body
    error = refused("invalid", 400, perform_action, session, people["editor"], story, "approve")
    assert error.details["field"] == "correction_note"
    perform_action(session, people["editor"], story, "approve", correction_note="The agreement was misnamed.")
    now = public_story(story)
    assert (story.state, now.version, now.body) == ("published", 2, correct_text)
    assert [c.text for c in now.corrections] == ["The agreement was misnamed."]
    assert now.published_at == first.published_at and now.updated_at > first.updated_at
    versions = session.scalars(
        select(PublishedVersion).where(PublishedVersion.adaptation_id == story.id)
    ).all()
    assert [(v.number, v.approved_by_id, v.correction_note) for v in versions] == [
        (1, people["editor"].id, ""),
        (2, people["editor"].id, "The agreement was misnamed."),
    ]


def test_an_editor_may_name_the_corrector_and_a_rejected_correction_leaves_the_story_as_it_was(
    session, people
):
    story = drive(
        make_article(people["reporter"]).adaptations[0],
        State.PUBLISHED,
        adaptor=people["adaptor"],
        editor=people["editor"],
    )
    published_body = story.body
    perform_action(session, people["editor"], story, "correct", assignee=people["other"].username)
    assert story.holder_id == people["other"].id
    save_adaptation(
        session,
        people["other"],
        story,
        title=story.title,
        body="Wrong.",
        version=story.version,
        limits=limits(),
    )
    perform_action(session, people["other"], story, "submit")
    perform_action(session, people["editor"], story, "reject", comment="Not a correction.")
    assert (story.state, story.body, len(story.versions)) == ("published", published_body, 1)


def test_a_correction_is_not_scheduled_and_no_story_is_withdrawn_once_published(session, people):
    story = drive(
        make_article(people["reporter"]).adaptations[0],
        State.PUBLISHED,
        adaptor=people["adaptor"],
        editor=people["editor"],
    )
    refused("invalid_state", 409, perform_action, session, people["reporter"], story, "withdraw")
    correct(session, people, story)
    error = refused("published", 409, perform_action, session, people["reporter"], story, "withdraw")
    assert "unpublish" in error.message
    with pytest.raises(InvalidInput) as later:
        perform_action(
            session,
            people["editor"],
            story,
            "approve",
            correction_note="Fixed.",
            publish_at=utcnow() + timedelta(days=1),
        )
    assert later.value.field == "publish_at"


def test_unpublish_needs_a_reason_and_republish_brings_the_newest_version_back(session, people):
    story = drive(
        make_article(people["reporter"]).adaptations[0],
        State.PUBLISHED,
        adaptor=people["adaptor"],
        editor=people["editor"],
    )
    with pytest.raises(InvalidInput) as missing:
        perform_action(session, people["editor"], story, "unpublish")
    assert missing.value.field == "reason"
    perform_action(session, people["editor"], story, "unpublish", comment="Legal hold.")
    assert story.state == "unpublished" and public_story(story) is None
    assert queries.published(session) == []
    entry = queries.history_for(session, story)[-1]
    assert (entry.action, entry.comment, entry.details) == ("unpublish", "Legal hold.", {"version": 1})
    perform_action(session, people["editor"], story, "republish")
    assert story.state == "published" and public_story(story).version == 1
    assert queries.published(session) == [story]


# --- decisions that cannot go wrong ----------------------------------------------------------------------


def test_four_eyes_nobody_approves_or_overrides_qa_on_their_own_adaptation(session, people):
    both = make_user(Role.ADAPTOR, Role.EDITOR)
    article = make_article(people["reporter"], body="بلغ العدد ٣٧ شخصاً.")
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=both)
    refused("self_approval", 403, override_finding, session, both, adaptation, "numbers", "37", "Mine.")
    override_finding(session, people["editor"], adaptation, "numbers", "37", "Fine.")
    perform_action(session, both, adaptation, "submit")
    refused("self_approval", 403, perform_action, session, both, adaptation, "approve")
    assert adaptation.state == "in_review"
    # A newsroom of one may allow it.
    perform_action(session, both, adaptation, "approve", allow_self_approval=True)
    assert adaptation.state == "published"


def test_the_hold_survives_review_and_the_adaptor_saves_at_once(session, people):
    adaptation = drive(
        make_article(people["reporter"]).adaptations[0],
        State.CHANGES_REQUESTED,
        adaptor=people["adaptor"],
        editor=people["editor"],
    )
    assert adaptation.holder_id == people["adaptor"].id
    save_adaptation(
        session,
        people["adaptor"],
        adaptation,
        title="Putin in Pyongyang",
        body="Pyongyang welcomed Putin.\n\nA new partnership was signed.",
        version=adaptation.version,
        limits=limits(),
    )
    perform_action(session, people["adaptor"], adaptation, "submit")
    assert adaptation.state == "in_review" and len(adaptation.rounds) == 2
    entry = [e for e in queries.history_for(session, adaptation) if e.action == "request-changes"][-1]
    assert entry.details["to"] == people["adaptor"].username


@pytest.mark.parametrize(
    "offset,accepted",
    [
        (timedelta(minutes=-5), False),
        (timedelta(seconds=-30), True),  # within the minute: published now
        (timedelta(days=364), True),
        (timedelta(days=366), False),
        (timedelta(days=365 * 3000), False),
    ],
)
def test_publish_times_are_within_a_minute_past_and_a_year_ahead(session, people, offset, accepted):
    adaptation = drive(
        make_article(people["reporter"]).adaptations[0],
        State.IN_REVIEW,
        adaptor=people["adaptor"],
        editor=people["editor"],
    )
    now = utcnow()
    if accepted:
        perform_action(session, people["editor"], adaptation, "approve", publish_at=now + offset, now=now)
        assert adaptation.state == ("scheduled" if offset > timedelta(0) else "published")
        return
    with pytest.raises(InvalidInput) as bad:
        perform_action(session, people["editor"], adaptation, "approve", publish_at=now + offset, now=now)
    assert bad.value.field == "publish_at" and "publish_at" in bad.value.message
    assert adaptation.state == "in_review"


def test_the_same_key_gives_back_the_same_original_and_another_body_is_refused(session, people):
    sent = {"title": "عنوان", "body": "نص.", "language": "ar", "targets": ["en"]}
    data = ArticleInput.parse(sent, limits())
    first, replayed = submit_article_once(
        session, people["reporter"], data, key="k-1", fingerprint=fingerprint(sent)
    )
    assert not replayed
    again, replayed = submit_article_once(
        session, people["reporter"], data, key="k-1", fingerprint=fingerprint(sent)
    )
    assert replayed and again.id == first.id
    other = {**sent, "body": "نص آخر."}
    error = refused(
        "idempotency_key_reused",
        422,
        submit_article_once,
        session,
        people["reporter"],
        ArticleInput.parse(other, limits()),
        key="k-1",
        fingerprint=fingerprint(other),
    )
    assert error.details["article_id"] == first.id
    # Another person's key, and the same key a day later, are new submissions.
    someone = make_user(Role.REPORTER)
    mine, replayed = submit_article_once(session, someone, data, key="k-1", fingerprint=fingerprint(sent))
    assert not replayed and mine.id != first.id
    later, replayed = submit_article_once(
        session,
        people["reporter"],
        data,
        key="k-1",
        fingerprint=fingerprint(sent),
        now=utcnow() + timedelta(hours=25),
    )
    assert not replayed and later.id != first.id
    assert (
        session.scalar(select(func.count(Article.id)).where(Article.reporter_id == people["reporter"].id))
        == 2
    )


def test_a_late_draft_does_not_unflag_a_changed_source(session, people):
    article = make_article(people["reporter"])
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=people["adaptor"])
    revise(session, article)
    finish_draft(adaptation)
    assert adaptation.source_changed


def test_a_story_under_correction_keeps_its_credits_in_the_words_published(session, people):
    story = drive(
        make_article(people["reporter"]).adaptations[0],
        State.PUBLISHED,
        adaptor=people["adaptor"],
        editor=people["editor"],
    )
    published_words = word_count(story.body)
    correct(session, people, story, text="Short.")
    today = utcnow().date()
    rows = {r.user.username: r.to_json() for r in credits_report(session, Period(today, today)).rows}
    assert rows[people["adaptor"].username]["adapted"] == {"pages": 1, "words": published_words}
