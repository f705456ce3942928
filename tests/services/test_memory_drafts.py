"""Drafts made by the worker's translation step with a real (tiny) Argos model: memory prefills exact repeats,
the glossary's approved renderings replace the model's."""

from __future__ import annotations

import pytest

from tests.support.assist import FIRST, add_term, publish_first_story
from tests.support.factories import make_article
from workflow.extensions import db
from workflow.models import Draft, DraftState
from workflow.mt.engine import EngineSettings, TranslationEngine
from workflow.services import drafts
from workflow.services.drafting import produce_draft


@pytest.fixture(scope="module")
def engine(argos_dir) -> TranslationEngine:
    """An engine over the session's tiny ar→en model."""
    return TranslationEngine(EngineSettings(packages_dir=argos_dir / "packages"))


def draft_of(title: str, body: str, engine: TranslationEngine) -> Draft:
    adaptation = make_article(title=title, body=body).adaptations[0]
    job = drafts.take_job(db.session, adaptation.draft.id, "test-job", lease_seconds=60)
    db.session.commit()
    assert produce_draft(db.session, job, engine, checkpoint=db.session.commit)
    db.session.commit()
    db.session.refresh(adaptation)
    draft = adaptation.draft
    db.session.refresh(draft)
    assert draft.state == DraftState.READY.value
    return draft


def test_exact_repeats_of_published_sentences_are_filled_from_memory(session, engine):
    publish_first_story()
    (_, _), (visit, visit_en) = FIRST[0]
    ((follow, follow_en),) = FIRST[2]
    draft = draft_of("عنوان جديد", f"{visit} وتناول الجانبان ملفات الطاقة.\n\n{follow}", engine)
    by_source = {s.source: s for s in draft.segments}
    assert (by_source[visit].mt, by_source[visit].origin) == (visit_en, "tm")
    assert (by_source[follow].mt, by_source[follow].origin) == (follow_en, "tm")
    other = by_source["وتناول الجانبان ملفات الطاقة."]
    assert other.origin == "mt" and other.mt and other.mt != visit_en  # the model's (gibberish) rendering
    assert draft.body.startswith(visit_en) and draft.body.endswith(follow_en)
    assert "ar" in draft.model and "en" in draft.model


def test_a_draft_entirely_in_memory_needs_no_model(session, engine):
    story = publish_first_story()
    (_, _), (visit, visit_en) = FIRST[0]
    draft = draft_of(story.adaptation.article.latest.title, visit, engine)
    assert [s.origin for s in draft.segments] == ["tm"]
    assert (draft.title, draft.body, draft.model) == ("Putin in Pyongyang", visit_en, "translation memory")


def test_the_glossary_rendering_replaces_the_models_own(session, engine):
    add_term("بيونغ يانغ", "Pyongyang")
    add_term("بوتين", "Putin")
    # A dateline on its own line is the term alone: the model renders it exactly as it renders the term.
    draft = draft_of("بوتين", "بيونغ يانغ\n\nوصل الرئيس إلى العاصمة.", engine)
    dateline, sentence = draft.segments
    assert dateline.mt == "Pyongyang" and dateline.origin == "mt"
    assert draft.title == "Putin"
    assert sentence.mt and "Pyongyang" not in sentence.mt
    assert draft.body.startswith("Pyongyang\n\n")


def test_without_glossary_terms_the_model_output_stands(session, engine):
    draft = draft_of("بوتين", "بيونغ يانغ", engine)
    assert draft.segments[0].mt not in ("", "Pyongyang")
