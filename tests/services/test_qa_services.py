"""QA findings on stored adaptations: glossary terms of the pair, submission refused, editors' overrides."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.factories import drive, limits, make_article, make_user
from workflow.domain.glossary import normalize_term
from workflow.domain.states import Role, State
from workflow.models import GlossaryTerm, HistoryEntry
from workflow.services.adaptations import perform_action, save_adaptation
from workflow.services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from workflow.services.qa import check_before_submit, findings_for, override_finding

TITLE = "بوتين في بيونغ يانغ"
BODY = "استقبلت بيونغ يانغ الرئيس بوتين يوم ١٩ حزيران ٢٠٢٤، في أول زيارة منذ ٢٤ عاماً."
GOOD = ("Putin in Pyongyang", "Pyongyang welcomed Putin on June 19, 2024, his first visit in 24 years.")
#: Drops the 24 and writes Pyong Yang: two errors (numbers, glossary); the rest is fine.
FLAWED = ("Putin in Pyong Yang", "Pyong Yang welcomed Putin on June 19, 2024, his first visit in decades.")


def term(source: str, target: str, editor, *, target_lang: str = "en") -> GlossaryTerm:
    return GlossaryTerm(
        source_lang="ar",
        target_lang=target_lang,
        source=source,
        source_key=normalize_term(source, "ar"),
        target=target,
        created_by_id=editor.id,
    )


@pytest.fixture()
def people(session):
    return {
        "adaptor": make_user(Role.ADAPTOR),
        "editor": make_user(Role.EDITOR),
        "reporter": make_user(Role.REPORTER),
    }


@pytest.fixture()
def adaptation(session, people):
    editor = people["editor"]
    session.add_all(
        [
            term("بيونغ يانغ", "Pyongyang", editor),
            term("بوتين", "Putin", editor),
            term("بيونغ يانغ", "Pyongyang-fr", editor, target_lang="fr"),
        ]
    )
    session.commit()
    adaptation = make_article(people["reporter"], title=TITLE, body=BODY).adaptations[0]
    return drive(adaptation, State.IN_ADAPTATION, adaptor=people["adaptor"])


def write(session, adaptation, who, text: tuple[str, str]):
    save_adaptation(
        session, who, adaptation, title=text[0], body=text[1], version=adaptation.version, limits=limits()
    )
    session.commit()


def test_findings_use_the_pairs_glossary_and_list_errors_first(session, people, adaptation):
    write(session, adaptation, people["adaptor"], FLAWED)
    results = findings_for(session, adaptation)
    errors = [(r.check, r.key) for r in results if r.severity == "error"]
    assert errors == [("numbers", "24"), ("glossary", "بيونغ يانغ")]
    assert all(r.blocking and r.override is None for r in results if r.severity == "error")
    assert [r.severity for r in results] == sorted((r.severity for r in results), key=lambda s: s != "error")


def test_a_faithful_adaptation_has_no_errors_and_submits(session, people, adaptation):
    write(session, adaptation, people["adaptor"], GOOD)
    assert not [r for r in findings_for(session, adaptation) if r.blocking]
    perform_action(session, people["adaptor"], adaptation, "submit")
    assert adaptation.state == State.IN_REVIEW.value


def test_submit_is_refused_with_the_blocking_findings_and_nothing_changes(session, people, adaptation):
    write(session, adaptation, people["adaptor"], FLAWED)
    with pytest.raises(Conflict) as refused:
        perform_action(session, people["adaptor"], adaptation, "submit")
    error = refused.value
    assert (error.status, error.code) == (409, "qa_failed")
    assert [(f["check"], f["key"]) for f in error.details["findings"]] == [
        ("numbers", "24"),
        ("glossary", "بيونغ يانغ"),
    ]
    assert (
        "numbers, glossary terms" in error.message
        and "editor" in error.message
        and "override" in error.message
    )
    session.rollback()
    assert adaptation.state == State.IN_ADAPTATION.value and adaptation.rounds == []
    assert adaptation.body == FLAWED[1]


def test_overrides_by_an_editor_let_the_submission_through_and_stay_listed(session, people, adaptation):
    write(session, adaptation, people["adaptor"], FLAWED)
    editor = people["editor"]
    override_finding(session, editor, adaptation, "numbers", "24", "The age of the gap is in the headline.")
    with pytest.raises(Conflict):
        check_before_submit(session, adaptation)
    result = override_finding(
        session, editor, adaptation, "glossary", "بيونغ يانغ", "House style changes today."
    )
    assert result.override.reason == "House style changes today." and not result.blocking
    session.commit()

    perform_action(session, people["adaptor"], adaptation, "submit")
    assert adaptation.state == State.IN_REVIEW.value
    overridden = {(r.check, r.key): r.override for r in findings_for(session, adaptation) if r.override}
    assert set(overridden) == {("numbers", "24"), ("glossary", "بيونغ يانغ")}
    assert overridden[("numbers", "24")].editor.id == editor.id
    entries = session.scalars(
        select(HistoryEntry).where(
            HistoryEntry.adaptation_id == adaptation.id, HistoryEntry.action == "qa-override"
        )
    ).all()
    assert [(e.comment, e.details["check"], e.details["key"], e.actor_id) for e in entries] == [
        ("The age of the gap is in the headline.", "numbers", "24", editor.id),
        ("House style changes today.", "glossary", "بيونغ يانغ", editor.id),
    ]
    assert all(e.from_state == e.to_state == State.IN_ADAPTATION.value for e in entries)


def test_an_override_sticks_to_its_finding_across_saves(session, people, adaptation):
    write(session, adaptation, people["adaptor"], FLAWED)
    override_finding(session, people["editor"], adaptation, "numbers", "24", "Fine.")
    session.commit()
    write(session, adaptation, people["adaptor"], (FLAWED[0], FLAWED[1] + " More reactions came."))
    assert [r.override is not None for r in findings_for(session, adaptation) if r.key == "24"] == [True]
    write(session, adaptation, people["adaptor"], GOOD)
    assert [r for r in findings_for(session, adaptation) if r.key == "24"] == []


def test_warnings_never_block(session, people, adaptation):
    text = (GOOD[0], GOOD[1] + " (More to come.")
    write(session, adaptation, people["adaptor"], text)
    warnings = [r for r in findings_for(session, adaptation) if r.severity == "warning"]
    assert [r.check for r in warnings] == ["punctuation"] and not any(r.blocking for r in warnings)
    perform_action(session, people["adaptor"], adaptation, "submit")
    assert adaptation.state == State.IN_REVIEW.value


@pytest.mark.parametrize("who", ["adaptor", "reporter"])
def test_only_editors_may_override(session, people, adaptation, who):
    write(session, adaptation, people["adaptor"], FLAWED)
    with pytest.raises(NotAllowed, match="Only editors"):
        override_finding(session, people[who], adaptation, "numbers", "24", "Looks fine to me.")


def test_an_override_needs_a_reason_and_a_finding_that_exists_now(session, people, adaptation):
    write(session, adaptation, people["adaptor"], FLAWED)
    editor = people["editor"]
    with pytest.raises(InvalidInput) as missing:
        override_finding(session, editor, adaptation, "numbers", "24", "   ")
    assert missing.value.field == "reason"
    with pytest.raises(InvalidInput):
        override_finding(session, editor, adaptation, "numbers", "24", "Bad \x00 reason")
    with pytest.raises(NotFound, match="no QA check named 'spelling'"):
        override_finding(session, editor, adaptation, "spelling", "24", "Why not.")
    with pytest.raises(Conflict) as absent:
        override_finding(session, editor, adaptation, "numbers", "19", "It is there.")
    assert absent.value.code == "no_such_finding"
    override_finding(session, editor, adaptation, "numbers", "24", "Fine.")
    with pytest.raises(Conflict) as twice:
        override_finding(session, editor, adaptation, "numbers", "24", "Fine again.")
    assert twice.value.code == "already_overridden"


def test_findings_of_a_finished_adaptation_cannot_be_overridden(session, people):
    adaptation = drive(
        make_article(people["reporter"], body="بلغ العدد ٢٤ شخصاً.").adaptations[0],
        State.PUBLISHED,
        adaptor=people["adaptor"],
        editor=people["editor"],
    )
    assert [r.key for r in findings_for(session, adaptation) if r.check == "numbers"] == ["24"]
    with pytest.raises(Conflict) as refused:
        override_finding(session, people["editor"], adaptation, "numbers", "24", "Too late.")
    assert refused.value.code == "invalid_state"


def test_an_override_reason_is_stored_without_text_direction_controls(session, people, adaptation):
    write(session, adaptation, people["adaptor"], FLAWED)
    result = override_finding(
        session,
        people["editor"],
        adaptation,
        "numbers",
        "24",
        "Age \u202eis\u202c in the \u2067headline\u2069.",
    )
    assert result.override.reason == "Age is in the headline."
