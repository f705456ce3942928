"""Desk pages that help adaptors and editors: the glossary (kept by editors) and the translation memory search.

URL map:
    GET  /desk/glossary                      assist.glossary        every signed-in person (editors also edit)
    POST /desk/glossary                      assist.add_term        editors
    POST /desk/glossary/<id>                 assist.update_term     editors
    POST /desk/glossary/<id>/delete          assist.delete_term     editors
    GET  /desk/memory?q=&from=&to=           assist.memory_search   adaptors and editors
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..domain.languages import LANGUAGE_NAMES, is_known_language
from ..domain.rules import can_edit_glossary
from ..domain.states import Role
from ..extensions import db
from ..services import glossary, memory
from ..services.errors import ServiceError
from .access import current_person, roles_required
from .desk import Refused

bp = Blueprint("assist", __name__, url_prefix="/desk")

EVERYONE = (Role.REPORTER, Role.ADAPTOR, Role.EDITOR, Role.ADMIN)
MAX_QUERY_CHARS = 200
MAX_RESULTS = 50


def _language_arg(name: str) -> str:
    """A language filter from the query string; an unknown code is ignored (the page says so)."""
    value = request.args.get(name, "").strip().lower()
    return value if is_known_language(value) else ""


def _render_glossary(
    *, refused: Refused | None = None, typed: Mapping[str, Any] | None = None, editing: int | None = None
):
    person = current_person()
    source_lang, target_lang = _language_arg("from"), _language_arg("to")
    terms = glossary.list_terms(db.session, source_lang=source_lang or None, target_lang=target_lang or None)
    return render_template(
        "desk/glossary.html",
        terms=terms,
        pairs=glossary.language_pairs(db.session),
        source_lang=source_lang,
        target_lang=target_lang,
        editable=can_edit_glossary(person.actor),
        refused=refused,
        typed=typed or {},
        editing=editing,
        languages=sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1]),
    ), (refused.status if refused else 200)


def _back_to_glossary(source_lang: str, target_lang: str) -> Any:
    return redirect(url_for("assist.glossary", **{"from": source_lang, "to": target_lang}))


def _refused(error: ServiceError, typed: Mapping[str, Any], editing: int | None = None):
    db.session.rollback()
    if error.status == 404:
        raise error
    return _render_glossary(refused=Refused.of(error), typed=typed, editing=editing)


@bp.get("/glossary", endpoint="glossary")
@roles_required(*EVERYONE)
def glossary_page():
    """The glossary of approved renderings, by language pair; editors add, change and delete terms here."""
    return _render_glossary()


@bp.post("/glossary")
@roles_required(Role.EDITOR)
def add_term():
    """An editor adds a term."""
    try:
        term = glossary.create_term(db.session, current_person(), glossary.TermInput.parse(request.form))
    except ServiceError as error:
        return _refused(error, request.form)
    db.session.commit()
    flash(f"Added “{term.source}” → “{term.target}”.", "success")
    return _back_to_glossary(term.source_lang, term.target_lang)


@bp.post("/glossary/<int:term_id>")
@roles_required(Role.EDITOR)
def update_term(term_id: int):
    """An editor changes a term."""
    try:
        term = glossary.get_term(db.session, term_id)
        glossary.update_term(db.session, current_person(), term, glossary.TermInput.parse(request.form))
    except ServiceError as error:
        return _refused(error, request.form, editing=term_id)
    db.session.commit()
    flash(f"Changed “{term.source}” → “{term.target}”.", "success")
    return _back_to_glossary(term.source_lang, term.target_lang)


@bp.post("/glossary/<int:term_id>/delete")
@roles_required(Role.EDITOR)
def delete_term(term_id: int):
    """An editor deletes a term."""
    try:
        term = glossary.get_term(db.session, term_id)
        source, target, pair = term.source, term.target, (term.source_lang, term.target_lang)
        glossary.delete_term(db.session, current_person(), term)
    except ServiceError as error:
        return _refused(error, request.form)
    db.session.commit()
    flash(f"Deleted “{source}” → “{target}”.", "success")
    return _back_to_glossary(*pair)


@bp.get("/memory")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def memory_search():
    """Search the translation memory: sentences of published adaptations close to a word, phrase or sentence."""
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY_CHARS]
    source_lang, target_lang = _language_arg("from"), _language_arg("to")
    results = (
        memory.search(
            db.session,
            query,
            source_lang=source_lang or None,
            target_lang=target_lang or None,
            limit=MAX_RESULTS,
        )
        if query
        else []
    )
    return render_template(
        "desk/memory.html",
        query=query,
        results=results,
        source_lang=source_lang,
        target_lang=target_lang,
        languages=sorted(LANGUAGE_NAMES.items(), key=lambda i: i[1]),
    )
