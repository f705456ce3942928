"""The glossary pages: approved renderings by language pair, read by everyone and kept by editors.

URL map:
    GET  /desk/glossary[?from=&to=]          glossary.terms        every signed-in person (editors also edit)
    POST /desk/glossary                      glossary.add_term     editors
    POST /desk/glossary/<id>                 glossary.update_term  editors
    POST /desk/glossary/<id>/delete          glossary.delete_term  editors
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from ..domain.rules import can_edit_glossary
from ..domain.states import Role
from ..extensions import db
from ..services import glossary
from ..services.errors import ServiceError
from .access import roles_required, signed_in
from .forms import Refused, language_arg, language_choices, refusal, render_page

bp = Blueprint("glossary", __name__, url_prefix="/desk")

EVERYONE = (Role.REPORTER, Role.ADAPTOR, Role.EDITOR, Role.ADMIN)


def _render_terms(
    *, refused: Refused | None = None, typed: Mapping[str, Any] | None = None, editing: int | None = None
):
    source_lang, target_lang = language_arg("from"), language_arg("to")
    terms = glossary.list_terms(db.session, source_lang=source_lang or None, target_lang=target_lang or None)
    return render_page(
        "glossary/terms.html",
        refused=refused,
        terms=terms,
        pairs=glossary.language_pairs(db.session),
        source_lang=source_lang,
        target_lang=target_lang,
        editable=can_edit_glossary(signed_in().actor),
        typed=typed or {},
        editing=editing,
        languages=language_choices(),
    )


def _back_to_terms(source_lang: str, target_lang: str) -> Response:
    return redirect(url_for("glossary.terms", **{"from": source_lang, "to": target_lang}))


@bp.get("/glossary")
@roles_required(*EVERYONE)
def terms():
    """The glossary of approved renderings, by language pair; editors add, change and delete terms here."""
    return _render_terms()


@bp.post("/glossary")
@roles_required(Role.EDITOR)
def add_term():
    """An editor adds a term."""
    try:
        term = glossary.create_term(db.session, signed_in(), glossary.TermInput.parse(request.form))
    except ServiceError as error:
        return _render_terms(refused=refusal(error), typed=request.form)
    db.session.commit()
    flash(f"Added “{term.source}” → “{term.target}”.", "success")
    return _back_to_terms(term.source_lang, term.target_lang)


@bp.post("/glossary/<int:term_id>")
@roles_required(Role.EDITOR)
def update_term(term_id: int):
    """An editor changes a term."""
    try:
        term = glossary.get_term(db.session, term_id)
        glossary.update_term(db.session, signed_in(), term, glossary.TermInput.parse(request.form))
    except ServiceError as error:
        return _render_terms(refused=refusal(error), typed=request.form, editing=term_id)
    db.session.commit()
    flash(f"Changed “{term.source}” → “{term.target}”.", "success")
    return _back_to_terms(term.source_lang, term.target_lang)


@bp.post("/glossary/<int:term_id>/delete")
@roles_required(Role.EDITOR)
def delete_term(term_id: int):
    """An editor deletes a term."""
    try:
        term = glossary.get_term(db.session, term_id)
        source, target, pair = term.source, term.target, (term.source_lang, term.target_lang)
        glossary.delete_term(db.session, signed_in(), term)
    except ServiceError as error:
        return _render_terms(refused=refusal(error), typed=request.form)
    db.session.commit()
    flash(f"Deleted “{source}” → “{target}”.", "success")
    return _back_to_terms(*pair)
