"""JSON API routes for the glossary and the translation memory (on the `api` blueprint; documented below).

URL map:
    GET    /api/v1/glossary                 api.list_glossary          everyone signed in
    POST   /api/v1/glossary                 api.create_glossary_term   editors
    GET    /api/v1/glossary/<id>            api.show_glossary_term     everyone signed in
    PUT    /api/v1/glossary/<id>            api.update_glossary_term   editors
    DELETE /api/v1/glossary/<id>            api.delete_glossary_term   editors
    GET    /api/v1/memory?q=                api.search_memory          everyone signed in
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from ..extensions import db
from ..models import GlossaryTerm
from ..services import glossary, memory
from ..services.inputs import parse_language
from .api import V1, api_person, bp, json_object, query_int, query_text
from .openapi import INT, LANGUAGE, TEXT, TIME, errors, json_body, nullable, obj, ok, op, ref, text
from .presenters import iso, person_json

MAX_GLOSSARY_LIST = 5000
MAX_MEMORY_RESULTS = 100


def term_json(term: GlossaryTerm) -> dict[str, Any]:
    """A glossary term with who added and last changed it."""
    return {
        "id": term.id,
        "source_lang": term.source_lang,
        "target_lang": term.target_lang,
        "source": term.source,
        "target": term.target,
        "note": term.note,
        "created_by": person_json(term.created_by),
        "updated_by": person_json(term.updated_by),
        "created_at": iso(term.created_at),
        "updated_at": iso(term.updated_at),
    }


def _query_language(name: str) -> str | None:
    raw = request.args.get(name, "").strip()
    return parse_language(raw, name) if raw else None


@bp.get(f"{V1}/glossary")
def list_glossary():
    """Glossary terms, of one language pair or side when asked (`source_lang`, `target_lang`)."""
    api_person()
    source_lang, target_lang = _query_language("source_lang"), _query_language("target_lang")
    terms = glossary.list_terms(
        db.session, source_lang=source_lang, target_lang=target_lang, limit=MAX_GLOSSARY_LIST
    )
    return jsonify({"items": [term_json(t) for t in terms], "count": len(terms)})


@bp.post(f"{V1}/glossary")
def create_glossary_term():
    """An editor adds a term: source and approved target for a language pair."""
    person = api_person()
    glossary.require_editor(person, "add")
    data = glossary.TermInput.parse(json_object())
    term = glossary.create_term(db.session, person, data)
    db.session.commit()
    response = jsonify(term_json(term))
    response.headers["Location"] = url_for("api.show_glossary_term", term_id=term.id)
    return response, 201


@bp.get(f"{V1}/glossary/<int:term_id>")
def show_glossary_term(term_id: int):
    """One glossary term."""
    api_person()
    return jsonify(term_json(glossary.get_term(db.session, term_id)))


@bp.put(f"{V1}/glossary/<int:term_id>")
def update_glossary_term(term_id: int):
    """An editor changes a term (every field is sent again)."""
    person = api_person()
    glossary.require_editor(person, "change")
    data = glossary.TermInput.parse(json_object())
    term = glossary.update_term(db.session, person, glossary.get_term(db.session, term_id), data)
    db.session.commit()
    return jsonify(term_json(term))


@bp.delete(f"{V1}/glossary/<int:term_id>")
def delete_glossary_term(term_id: int):
    """An editor deletes a term."""
    person = api_person()
    glossary.require_editor(person, "delete")
    glossary.delete_term(db.session, person, glossary.get_term(db.session, term_id))
    db.session.commit()
    return "", 204


@bp.get(f"{V1}/memory")
def search_memory():
    """Memory units whose source or target is close to `q`, best first."""
    api_person()
    query = query_text("q") or ""
    source_lang, target_lang = _query_language("source_lang"), _query_language("target_lang")
    limit = query_int("limit", 20, 1, MAX_MEMORY_RESULTS)
    found = (
        memory.search(db.session, query, source_lang=source_lang, target_lang=target_lang, limit=limit)
        if query
        else []
    )
    return jsonify(
        {
            "items": [
                {
                    **m.as_json(),
                    "adaptation_id": m.adaptation_id,
                    "source_lang": m.source_lang,
                    "target_lang": m.target_lang,
                }
                for m in found
            ],
            "count": len(found),
        }
    )


# --- OpenAPI -------------------------------------------------------------------------------------------

_TERM_ID = [{"name": "term_id", "in": "path", "required": True, "schema": INT}]
_PAIR = [
    {"name": "source_lang", "in": "query", "schema": LANGUAGE, "description": "Only this source language."},
    {"name": "target_lang", "in": "query", "schema": LANGUAGE, "description": "Only this target language."},
]
_ONE_LINE = {"type": "string", "minLength": 1, "maxLength": glossary.MAX_TERM_CHARS}
_MATCH = {
    "score": {
        "type": "integer",
        "minimum": 0,
        "maximum": 100,
        "description": "Similarity in percent; 100: exact.",
    },
    "source": text("The remembered source sentence."),
    "target": text("How a published adaptation rendered it."),
    "article_id": nullable({**INT, "description": "The original it came from."}),
}

#: OpenAPI path items this module adds (merged by `openapi.openapi_document`).
OPENAPI_PATHS: dict[str, Any] = {
    "/api/v1/glossary": {
        "get": op(
            "listGlossary",
            "Glossary terms (everyone signed in)",
            {"200": ok(ref("GlossaryList"), "Terms by pair, then source."), **errors(400, 401)},
            tags=["glossary"],
            parameters=_PAIR,
        ),
        "post": op(
            "createGlossaryTerm",
            "Add a glossary term (editors)",
            {
                "201": ok(
                    ref("GlossaryTerm"),
                    "The new term.",
                    headers={"Location": {"description": "The term's address.", "schema": TEXT}},
                ),
                **errors(400, 401, 403, 409, 413, 415),
            },
            tags=["glossary"],
            requestBody=json_body(ref("GlossaryTermInput")),
            description="409 `duplicate_term` (with `term_id`) when the pair already has that source term, "
            "compared without case, diacritics, tatweel or alef/yaa variants.",
        ),
    },
    "/api/v1/glossary/{term_id}": {
        "parameters": _TERM_ID,
        "get": op(
            "showGlossaryTerm",
            "One glossary term",
            {"200": ok(ref("GlossaryTerm"), "The term."), **errors(401, 404)},
            tags=["glossary"],
        ),
        "put": op(
            "updateGlossaryTerm",
            "Change a glossary term (editors; send every field)",
            {
                "200": ok(ref("GlossaryTerm"), "The changed term."),
                **errors(400, 401, 403, 404, 409, 413, 415),
            },
            tags=["glossary"],
            requestBody=json_body(ref("GlossaryTermInput")),
        ),
        "delete": op(
            "deleteGlossaryTerm",
            "Delete a glossary term (editors)",
            {"204": {"description": "Deleted."}, **errors(401, 403, 404)},
            tags=["glossary"],
        ),
    },
    "/api/v1/memory": {
        "get": op(
            "searchMemory",
            "Search the translation memory",
            {"200": ok(ref("MemoryResults"), "Units best first; none without `q`."), **errors(400, 401)},
            tags=["memory"],
            parameters=[
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string", "maxLength": 200},
                    "description": "A word, phrase or sentence, in the source or the target language.",
                },
                *_PAIR,
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_MEMORY_RESULTS, "default": 20},
                },
            ],
        ),
    },
}
#: Component schemas this module adds.
OPENAPI_SCHEMAS: dict[str, Any] = {
    "GlossaryTermInput": obj(
        {
            "source_lang": LANGUAGE,
            "target_lang": LANGUAGE,
            "source": {**_ONE_LINE, "description": "The term as written in the source language, e.g. بوتين."},
            "target": {**_ONE_LINE, "description": "The approved rendering, e.g. Putin."},
            "note": {
                "type": "string",
                "maxLength": glossary.MAX_NOTE_CHARS,
                "description": "House-style note.",
            },
        },
        required=["source_lang", "target_lang", "source", "target"],
    ),
    "GlossaryTerm": obj(
        {
            "id": INT,
            "source_lang": LANGUAGE,
            "target_lang": LANGUAGE,
            "source": TEXT,
            "target": TEXT,
            "note": TEXT,
            "created_by": nullable(ref("Person")),
            "updated_by": nullable(ref("Person")),
            "created_at": TIME,
            "updated_at": TIME,
        }
    ),
    "GlossaryList": obj({"items": {"type": "array", "items": ref("GlossaryTerm")}, "count": INT}),
    "MemoryMatch": obj(_MATCH, description="A translation-memory unit close to a segment."),
    "MemoryResult": obj(
        {**_MATCH, "adaptation_id": nullable(INT), "source_lang": LANGUAGE, "target_lang": LANGUAGE}
    ),
    "MemoryResults": obj({"items": {"type": "array", "items": ref("MemoryResult")}, "count": INT}),
}
