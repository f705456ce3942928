"""QA findings are computed once per version of what they read, and stay equal to a fresh computation after a
new version, a corrected original or a glossary change."""

from __future__ import annotations

import pytest

from tests.services import test_qa_services as base
from tests.support.factories import limits
from workflow.domain.qa import run_checks
from workflow.services import articles, qa
from workflow.services.adaptation_view import adaptation_view

FLAWED, GOOD, term, write = base.FLAWED, base.GOOD, base.term, base.write
people, adaptation = base.people, base.adaptation  # the same fixtures: an adaptation of a glossary-rich text


@pytest.fixture()
def runs(monkeypatch):
    """Counts the runs of the QA checks."""
    counter = {"n": 0}

    def counted(data):
        counter["n"] += 1
        return run_checks(data)

    monkeypatch.setattr(qa, "run_checks", counted)
    monkeypatch.setattr(qa, "_findings", type(qa._findings)())  # nothing kept from other tests
    return counter


def fresh(session, adaptation) -> list[tuple[str, str, str]]:
    """The findings as the checks give them now, with nothing kept."""
    return sorted((f.check, f.key, f.message) for f in run_checks(qa.qa_input(session, adaptation)))


def shown(session, reader, adaptation) -> list[tuple[str, str, str]]:
    """The findings the adaptation's page and the API show."""
    view = adaptation_view(session, reader, adaptation)
    return sorted((r.check, r.key, r.message) for r in view.qa)


def test_a_second_read_does_not_run_the_checks_again(session, people, adaptation, runs):
    write(session, adaptation, people["adaptor"], FLAWED)
    first = shown(session, people["editor"], adaptation)
    assert runs["n"] == 1
    assert shown(session, people["editor"], adaptation) == first
    assert qa.findings_for(session, adaptation)  # the API's read, and the submission check's
    assert runs["n"] == 1


def test_findings_follow_a_new_version(session, people, adaptation, runs):
    write(session, adaptation, people["adaptor"], FLAWED)
    assert ("glossary", "بيونغ يانغ") in {(c, k) for c, k, _ in shown(session, people["editor"], adaptation)}
    write(session, adaptation, people["adaptor"], GOOD)
    assert shown(session, people["editor"], adaptation) == fresh(session, adaptation)
    assert ("glossary", "بيونغ يانغ") not in {(c, k) for c, k, _ in fresh(session, adaptation)}
    assert runs["n"] == 2  # each version once (`fresh` runs the checks itself, uncounted)


def test_findings_follow_a_corrected_original(session, people, adaptation, runs):
    write(session, adaptation, people["adaptor"], GOOD)
    before = shown(session, people["editor"], adaptation)
    articles.revise_article(
        session,
        people["reporter"],
        adaptation.article,
        {"body": adaptation.article.latest.body + " وقال بوتين إن ٣ اتفاقات وقعت."},
        limits(),
    )
    session.commit()
    after = shown(session, people["editor"], adaptation)
    assert after == fresh(session, adaptation) and after != before


def test_findings_follow_a_glossary_change(session, people, adaptation, runs):
    write(session, adaptation, people["adaptor"], GOOD)
    before = shown(session, people["editor"], adaptation)
    added = term("زيارة", "visit to the north", people["editor"])
    session.add(added)
    session.commit()
    after = shown(session, people["editor"], adaptation)
    assert after == fresh(session, adaptation) and after != before
    added.target = "visit"
    session.commit()
    assert shown(session, people["editor"], adaptation) == fresh(session, adaptation)
    session.delete(added)
    session.commit()
    assert shown(session, people["editor"], adaptation) == before
