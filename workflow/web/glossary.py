"""The glossary pages: approved renderings by language pair, read by everyone and kept by editors.

URL map:
    GET  /desk/glossary[?from=&to=]          glossary.terms        every signed-in person (editors also edit)
    POST /desk/glossary                      glossary.add_term     editors
    POST /desk/glossary/<id>                 glossary.update_term  editors
    POST /desk/glossary/<id>/delete          glossary.delete_term  editors
    GET  /desk/glossary/export?from=&to=&format=tbx|csv   glossary.export_terms  every signed-in person
    POST /desk/glossary/import (file, from, to)           glossary.import_terms  editors and admins
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext

from ..domain.messages import N_
from ..domain.rules import can_edit_glossary, can_import_language_data
from ..domain.states import Role
from ..extensions import db
from ..services import glossary, glossary_exchange, queries
from ..services.errors import InvalidInput, ServiceError
from ..services.inputs import parse_language
from .access import roles_required, signed_in
from .forms import Refused, language_arg, refusal, render_page
from .i18n import translate
from .paging import page_args_for_page, page_links

bp = Blueprint("glossary", __name__, url_prefix="/desk")

EVERYONE = (Role.REPORTER, Role.ADAPTOR, Role.EDITOR, Role.ADMIN)


def _render_terms(
    *, refused: Refused | None = None, typed: Mapping[str, Any] | None = None, editing: int | None = None
):
    source_lang, target_lang = language_arg("from"), language_arg("to")
    number, size, bad_page = page_args_for_page()
    stmt = glossary.terms_select(source_lang or None, target_lang or None)
    page = queries.page_of(db.session, stmt, number, size)
    return render_page(
        "glossary/terms.html",
        refused=refused or bad_page,
        terms=page.items,
        page=page,
        links=page_links(page),
        pairs=glossary.language_pairs(db.session),
        source_lang=source_lang,
        target_lang=target_lang,
        editable=can_edit_glossary(signed_in().actor),
        importer=can_import_language_data(signed_in().actor),
        typed=typed or {},
        editing=editing,
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
    flash(gettext("Added “%(term)s” → “%(rendering)s”.", term=term.source, rendering=term.target), "success")
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
    flash(
        gettext("Changed “%(term)s” → “%(rendering)s”.", term=term.source, rendering=term.target), "success"
    )
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
    flash(gettext("Deleted “%(term)s” → “%(rendering)s”.", term=source, rendering=target), "success")
    return _back_to_terms(*pair)


def _form_pair(values) -> tuple[str, str]:
    """The language pair chosen in the page's `from` and `to` fields (400 naming the missing one)."""
    pair = []
    for name, field in (("from", "source_lang"), ("to", "target_lang")):
        raw = (values.get(name) or "").strip()
        if not raw:
            raise InvalidInput(field, N_("Choose both languages of the pair first."))
        pair.append(parse_language(raw, field))
    return pair[0], pair[1]


@bp.get("/glossary/export")
@roles_required(*EVERYONE)
def export_terms():
    """The glossary of the chosen pair as a TBX-Basic or CSV file."""
    try:
        source_lang, target_lang = _form_pair(request.args)
        fmt = (request.args.get("format") or "tbx").lower()
        if fmt not in glossary_exchange.FORMATS:
            raise InvalidInput("format", N_("Choose TBX or CSV."))
    except ServiceError as error:
        return _render_terms(refused=refusal(error))
    document = glossary_exchange.export_terms(db.session, source_lang, target_lang, fmt)
    response = Response(document, mimetype="application/x-tbx+xml" if fmt == "tbx" else "text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="adaptdesk-glossary-{source_lang}-{target_lang}.{fmt}"'
    )
    return response


@bp.post("/glossary/import")
@roles_required(Role.EDITOR, Role.ADMIN)
def import_terms():
    """An editor imports a TBX or CSV term base into the chosen pair's glossary."""
    upload = request.files.get("file")
    try:
        source_lang, target_lang = _form_pair(request.form)
        if upload is None or not upload.filename:
            raise InvalidInput("file", N_("Choose a .tbx or .csv file to import."))
        result = glossary_exchange.import_terms(
            db.session,
            signed_in(),
            upload.stream,
            source_lang=source_lang,
            target_lang=target_lang,
            filename=upload.filename,
        )
    except ServiceError as error:
        return _render_terms(refused=refusal(error))
    db.session.commit()
    flash(
        gettext("Imported %(file)s: %(summary)s", file=upload.filename, summary=translate(result.summary)),
        "success",
    )
    for problem in result.problems:
        flash(gettext("Skipped %(problem)s", problem=problem), "warning")
    return _back_to_terms(source_lang, target_lang)
