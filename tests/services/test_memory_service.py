"""The translation memory: fed when an adaptation is published, matched on a second article that repeats the first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.support.assist import FIRST, FIRST_TITLE, SECOND_BODY, make_draft, publish_first_story
from tests.support.factories import make_article
from workflow.domain.memory import MIN_MATCH
from workflow.domain.states import State
from workflow.extensions import db
from workflow.models import TranslationUnit, utcnow
from workflow.services import memory
from workflow.services.adaptations import publish_due


def units_of(adaptation_id: int) -> dict[str, TranslationUnit]:
    rows = db.session.scalars(select(TranslationUnit).where(TranslationUnit.adaptation_id == adaptation_id))
    return {u.source: u for u in rows}


def test_publishing_feeds_the_memory_with_aligned_sentences(session):
    story = publish_first_story()
    assert story.adaptation.state == State.PUBLISHED.value
    units = units_of(story.adaptation.id)
    (arrival, _), (visit, _) = FIRST[0]
    ((signed, _),) = FIRST[1]
    ((follow, _),) = FIRST[2]
    assert units[visit].target == "It is the first visit of its kind in 24 years."
    assert units[visit].alignment_score == 100
    assert units[signed].target == "The two leaders signed a comprehensive strategic partnership agreement."
    assert units[follow].target == "Follow us on our Telegram channel."
    # The adaptor reworded the first sentence: still aligned, less surely; the credit line matched nothing.
    assert units[arrival].target == "Russian President Vladimir Putin landed in Pyongyang early on Wednesday."
    assert 55 <= units[arrival].alignment_score < 100
    assert units[FIRST_TITLE[0]].target == FIRST_TITLE[1]
    assert all("A report by" not in u.target for u in units.values())
    assert {(u.source_lang, u.target_lang, u.article_id) for u in units.values()} == {
        ("ar", "en", story.adaptation.article_id)
    }


def test_a_scheduled_adaptation_feeds_the_memory_when_it_is_published(session):
    story = publish_first_story(schedule_at=utcnow() + timedelta(hours=1))
    assert story.adaptation.state == State.SCHEDULED.value
    assert units_of(story.adaptation.id) == {}
    publish_due(db.session, now=utcnow() + timedelta(hours=2))
    db.session.commit()
    assert len(units_of(story.adaptation.id)) == 5


def test_a_second_article_repeating_sentences_gets_exact_and_close_matches(session):
    first = publish_first_story()
    second = make_article(title="زيارة ثانية", body=SECOND_BODY).adaptations[0]
    make_draft(second, "A second visit", {})
    sources = [s.source for s in second.draft.segments]
    found = memory.draft_matches(db.session, second, second.draft)
    exact, close, new, boilerplate = (found[i] for i in range(4))
    assert [(m.score, m.target, m.article_id) for m in exact] == [
        (100, "It is the first visit of its kind in 24 years.", first.adaptation.article_id)
    ]
    assert close[0].target == "The two leaders signed a comprehensive strategic partnership agreement."
    assert MIN_MATCH <= close[0].score < 100
    assert new == []
    assert boilerplate[0].score == 100 and boilerplate[0].target == "Follow us on our Telegram channel."
    assert sources[1] != close[0].source


def test_an_article_does_not_match_its_own_sentences(session):
    story = publish_first_story()
    assert all(
        m == [] for m in memory.draft_matches(db.session, story.adaptation, story.adaptation.draft).values()
    )


def test_prefill_uses_only_exact_and_sure_units(session):
    story = publish_first_story()
    (arrival, _), (visit, _) = FIRST[0]
    ((follow, _),) = FIRST[2]
    sources = [visit, arrival, follow, "جملة لا يعرفها أحد.", visit[:-1]]
    assert memory.prefill(db.session, "ar", "en", sources) == {
        0: "It is the first visit of its kind in 24 years.",
        1: "Russian President Vladimir Putin landed in Pyongyang early on Wednesday.",
        2: "Follow us on our Telegram channel.",
    }
    # An alignment the memory is unsure of is shown beside the segment but never fills it.
    units_of(story.adaptation.id)[arrival].alignment_score = 60
    db.session.commit()
    assert sorted(memory.prefill(db.session, "ar", "en", sources)) == [0, 2]
    assert memory.prefill(db.session, "ar", "fr", sources) == {}


def test_search_finds_a_phrase_on_either_side(session):
    story = publish_first_story()
    by_source = memory.search(db.session, "بيونغ يانغ", source_lang="ar", target_lang="en")
    assert {m.target for m in by_source} == {
        "Putin in Pyongyang",
        "Russian President Vladimir Putin landed in Pyongyang early on Wednesday.",
    }
    by_target = memory.search(db.session, "Telegram channel")
    assert by_target[0].target == "Follow us on our Telegram channel."
    assert by_target[0].adaptation_id == story.adaptation.id
    assert memory.search(db.session, "Telegram channel", source_lang="fr") == []
    assert memory.search(db.session, "zzzz qqqq") == []


def test_feeding_again_replaces_the_units(session):
    story = publish_first_story()
    before = {(u.source, u.target) for u in units_of(story.adaptation.id).values()}
    assert memory.feed(db.session, story.adaptation) == 5
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(TranslationUnit)) == 5
    assert {(u.source, u.target) for u in units_of(story.adaptation.id).values()} == before
