"""The translation-memory page: sentences of published adaptations close to a word, phrase or sentence.

URL map:
    GET /desk/memory?q=&from=&to=    memory.search    adaptors and editors
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..domain.states import Role
from ..extensions import db
from ..services import memory
from .access import roles_required
from .forms import language_arg, language_choices

bp = Blueprint("memory", __name__, url_prefix="/desk")

MAX_QUERY_CHARS = 200
MAX_RESULTS = 50


@bp.get("/memory")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def search():
    """Search the translation memory: sentences of published adaptations close to a word, phrase or sentence."""
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
    return render_template(
        "memory/search.html",
        query=query,
        results=results,
        source_lang=source_lang,
        target_lang=target_lang,
        languages=language_choices(),
    )
