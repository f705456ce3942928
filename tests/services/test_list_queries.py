"""List queries that must not read the whole archive: the public site's sections, a person's stories, and
the work queue's originals."""

from __future__ import annotations

from tests.support.factories import drive, make_article, make_user
from workflow.domain.states import Role, State
from workflow.domain.text import word_count
from workflow.extensions import db
from workflow.services import queries
from workflow.services.adaptations import save_adaptation
from workflow.services.articles import revise_article
from workflow.services.inputs import Limits


def story_in(section: str, state: State, **people):
    """An adaptation of an original in `section`, taken to `state` through the services."""
    return drive(make_article(section=section, targets=["en"]).adaptations[0], state, **people)


def test_sections_are_those_with_a_story_on_the_site(session):
    story_in("Zz Live", State.PUBLISHED)
    story_in("Zz Live", State.DRAFT_READY)
    story_in("Zz Corrected", State.CORRECTING)
    story_in("Zz Pulled", State.UNPUBLISHED)
    story_in("Zz Waiting", State.IN_REVIEW)
    story_in("Zz Rejected", State.REJECTED)
    found = [s for s in queries.published_sections(db.session) if s.startswith("Zz ")]
    assert found == ["Zz Corrected", "Zz Live"]


def test_a_persons_stories_come_a_page_at_a_time_with_both_their_roles(session):
    reporter = make_user(Role.REPORTER, Role.ADAPTOR)
    both = drive(make_article(reporter, targets=["en"]).adaptations[0], State.PUBLISHED, adaptor=reporter)
    reported = [
        drive(make_article(reporter, targets=["en"]).adaptations[0], State.PUBLISHED) for _ in range(2)
    ]
    page, stories = queries.credited_stories(db.session, reporter.id, 1, 2)
    assert (page.total, page.last) == (3, 2)
    assert [a.id for a, _ in stories] == [reported[1].id, reported[0].id]
    _, older = queries.credited_stories(db.session, reporter.id, 2, 2)
    assert older == [(both, ["reporter", "adaptor"])]


def test_the_work_queue_is_counted_and_sorted_without_joining_the_originals(session):
    stmt = queries.work_queue_select(states=[State.DRAFT_READY.value])
    assert "JOIN articles" not in str(stmt.compile(db.engine))
    flagged = queries.work_queue_select(states=[State.DRAFT_READY.value], source_changed=True)
    assert "JOIN articles" in str(flagged.compile(db.engine))


def test_word_counts_follow_every_text_a_service_writes(session):
    """The stored counts lists show: set with the original's first revision, a revision, a draft copied into
    the adaptation, and an adaptor's save."""
    reporter, adaptor = make_user(Role.REPORTER), make_user(Role.ADAPTOR)
    article = make_article(reporter, body="واحد اثنان ثلاثة", targets=["en"])
    assert article.latest.words == 3
    revise_article(session, reporter, article, {"title": "t", "body": "a b c d e"}, Limits())
    assert article.latest.words == 5
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    assert adaptation.words == word_count(adaptation.body) > 0
    save_adaptation(
        session,
        adaptor,
        adaptation,
        title="T",
        body="one two\n\nthree",
        version=adaptation.version,
        limits=Limits(),
    )
    session.flush()
    session.expire_all()
    assert (article.latest.words, adaptation.words) == (5, 3)
