"""Glossary terms: editors write them, input is checked field by field, duplicates in a pair are refused."""

from __future__ import annotations

import pytest

from tests.support.assist import add_term
from tests.support.factories import make_user
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.services import glossary
from workflow.services.errors import Conflict, InvalidInput, NotAllowed, NotFound


def term_input(**fields) -> glossary.TermInput:
    return glossary.TermInput.parse(
        {"source_lang": "ar", "target_lang": "en", "source": "بوتين", "target": "Putin", **fields}
    )


def test_an_editor_adds_a_term_and_is_recorded(session):
    editor = make_user(Role.EDITOR)
    term = glossary.create_term(db.session, editor, term_input(note="Never Poutine"))
    db.session.commit()
    assert (term.source, term.source_key, term.target, term.note) == (
        "بوتين",
        "بوتين",
        "Putin",
        "Never Poutine",
    )
    assert term.created_by == editor and term.updated_by == editor
    assert glossary.terms_for(db.session, "ar", "en") == [term]
    assert glossary.terms_for(db.session, "en", "ar") == []


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADAPTOR, Role.ADMIN])
def test_only_editors_write_the_glossary(session, role):
    person = make_user(role)
    with pytest.raises(NotAllowed, match="Only editors"):
        glossary.create_term(db.session, person, term_input())
    term = add_term("بوتين", "Putin")
    with pytest.raises(NotAllowed):
        glossary.update_term(db.session, person, term, term_input(target="V. Putin"))
    with pytest.raises(NotAllowed):
        glossary.delete_term(db.session, person, term)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"source_lang": "xx"}, "source_lang"),
        ({"target_lang": "ar"}, "target_lang"),
        ({"source": "   "}, "source"),
        ({"source": "ً"}, "source"),  # a mark alone
        ({"source": "ب" * 201}, "source"),
        ({"target": ""}, "target"),
        ({"target": "Putin\u202e"}, "target"),
        ({"note": "x" * 501}, "note"),
        ({"target": 5}, "target"),
    ],
)
def test_bad_input_names_the_field(session, fields, field):
    with pytest.raises(InvalidInput) as refused:
        term_input(**fields)
    assert refused.value.field == field


def test_a_duplicate_in_the_pair_is_refused_even_spelled_differently(session):
    editor = make_user(Role.EDITOR)
    first = add_term("بوتين", "Putin", editor=editor)
    with pytest.raises(Conflict) as refused:
        glossary.create_term(db.session, editor, term_input(source="بُوتِـين"))
    assert refused.value.code == "duplicate_term" and refused.value.details == {"term_id": first.id}
    # Another pair may hold the same source.
    other = glossary.create_term(db.session, editor, term_input(target_lang="fr", target="Poutine"))
    assert other.id != first.id


def test_an_editor_changes_and_deletes_a_term(session):
    author, editor = make_user(Role.EDITOR), make_user(Role.EDITOR)
    term = add_term("بيونغ يانغ", "Pyong Yang", editor=author)
    add_term("بوتين", "Putin", editor=author)
    glossary.update_term(db.session, editor, term, term_input(source="بيونغ يانغ", target="Pyongyang"))
    db.session.commit()
    assert (term.target, term.created_by, term.updated_by) == ("Pyongyang", author, editor)
    with pytest.raises(Conflict):
        glossary.update_term(db.session, editor, term, term_input(source="بوتين"))
    db.session.rollback()
    glossary.delete_term(db.session, editor, term)
    db.session.commit()
    with pytest.raises(NotFound):
        glossary.get_term(db.session, term.id)


def test_source_terms_cut_an_original_for_highlighting(session):
    add_term("بوتين", "Putin")
    add_term("بيونغ يانغ", "Pyongyang", note="One word")
    add_term("باريس", "Paris", target_lang="fr")
    found = glossary.source_terms(
        db.session, "ar", "en", "بوتين في بيونغ يانغ", "وصل بوتين.\n\nثم غادر وبوتين سعيد."
    )
    assert [(text, hit.target if hit else None) for text, hit in found.title] == [
        ("بوتين", "Putin"),
        (" في ", None),
        ("بيونغ يانغ", "Pyongyang"),
    ]
    assert [[(t, bool(h)) for t, h in p] for p in found.paragraphs] == [
        [("وصل ", False), ("بوتين", True), (".", False)],
        [("ثم غادر ", False), ("وبوتين", True), (" سعيد.", False)],
    ]
    assert [(h.source, h.target, h.note) for h in found.found] == [
        ("بوتين", "Putin", ""),
        ("بيونغ يانغ", "Pyongyang", "One word"),
    ]
