"""The translation-memory page: sentences of published adaptations close to a word, phrase or sentence.

URL map:
    GET  /desk/memory?q=&from=&to=           memory.search         adaptors and editors
    GET  /desk/memory/export?from=&to=       memory.export_memory  adaptors and editors (a TMX file)
    POST /desk/memory/import (file, from, to) memory.import_memory  editors
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext

from ..domain.languages import is_known_language
from ..domain.rules import can_import_language_data
from ..domain.states import Role
from ..extensions import db
from ..services import memory, memory_exchange
from ..services.errors import InvalidInput, ServiceError
from .access import roles_required, signed_in
from .forms import Refused, language_arg, refusal
from .i18n import translate

bp = Blueprint("memory", __name__, url_prefix="/desk")

MAX_QUERY_CHARS = 200
MAX_RESULTS = 50


@bp.get("/memory")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def search():
    """Search the translation memory: sentences of published adaptations close to a word, phrase or sentence."""
    return _render_search()


def _render_search(refused: Refused | None = None):
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY_CHARS]
    source_lang, target_lang = language_arg("from"), language_arg("to")
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
    page = render_template(
        "memory/search.html",
        refused=refused,
        importer=can_import_language_data(signed_in().actor),
        query=query,
        results=results,
        source_lang=source_lang,
        target_lang=target_lang,
    )
    return page, (refused.status if refused else 200)


@bp.get("/memory/export")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def export_memory():
    """The memory of the chosen language pair as a TMX 1.4b file (streamed)."""
    source_lang, target_lang = language_arg("from"), language_arg("to")
    if not source_lang or not target_lang or source_lang == target_lang:
        return _render_search(
            Refused(gettext("Choose two languages (From and To) to download their memory."), 400)
        )
    try:
        version = package_version("adaptdesk")
    except PackageNotFoundError:
        version = "unknown"
    chunks = memory_exchange.export_tmx(db.session, source_lang, target_lang, tool_version=version)
    response = Response(stream_with_context(chunks), mimetype="application/x-tmx+xml")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="adaptdesk-memory-{source_lang}-{target_lang}.tmx"'
    )
    return response


def _form_language(name: str) -> str | None:
    """A language chosen in the import form (None for "from the file"; an unknown code is ignored)."""
    value = request.form.get(name, "").strip().lower()
    return value if is_known_language(value) else None


@bp.post("/memory/import")
@roles_required(Role.EDITOR)
def import_memory():
    """An editor imports a TMX file into the memory; the pair comes from the file unless chosen."""
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("file", gettext("Choose a .tmx file to import."))
        result = memory_exchange.import_tmx(
            db.session,
            signed_in(),
            upload.stream,
            source_lang=_form_language("from"),
            target_lang=_form_language("to"),
            filename=upload.filename,
        )
    except ServiceError as error:
        return _render_search(refusal(error))
    db.session.commit()
    flash(
        gettext("Imported %(file)s: %(summary)s", file=upload.filename, summary=translate(result.summary)),
        "success",
    )
    return redirect(url_for("memory.search", **{"from": result.source_lang, "to": result.target_lang}))
