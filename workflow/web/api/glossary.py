"""The glossary through the API: approved renderings per language pair, read by everyone, kept by editors.

URL map:
    GET    /api/v1/glossary[?source_lang=&target_lang=]   api.list_glossary          everyone signed in
    POST   /api/v1/glossary                               api.create_glossary_term   editors
    GET    /api/v1/glossary/<id>                          api.show_glossary_term     everyone signed in
    PUT    /api/v1/glossary/<id>                          api.update_glossary_term   editors
    DELETE /api/v1/glossary/<id>                          api.delete_glossary_term   editors
    GET    /api/v1/glossary/export?source_lang=&target_lang=[&format=tbx|csv]
                                                          api.export_glossary        everyone signed in
    POST   /api/v1/glossary/import (multipart: file, source_lang, target_lang[, format])
                                                          api.import_glossary        editors and admins
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for

from ...domain.messages import N_
from ...extensions import db
from ...models import GlossaryTerm
from ...services import glossary, glossary_exchange, queries
from ...services.errors import InvalidInput
from ...services.inputs import parse_language
from ..paging import page_args, page_json, with_link_header
from ..uploads import uploaded_file
from .bodies import GlossaryTermInput
from .inputs import api_person, json_object, query_language
from .openapi import (
    INT,
    LANGUAGE,
    LANGUAGE_CODE,
    PAGE_HEADERS,
    PAGE_PARAMETERS,
    TEXT,
    TIME,
    Route,
    errors,
    json_body,
    nullable,
    obj,
    ok,
    op,
    page_schema,
    ref,
)
from .presenters import iso, person_json


def term_json(term: GlossaryTerm) -> dict[str, Any]:
    """A glossary term with who added and last changed it."""
    return {
        "id": term.id,
        "source_lang": term.source_lang,
        "target_lang": term.target_lang,
        "source": term.source,
        "target": term.target,
        "alternatives": list(term.alternatives or []),
        "forbidden": list(term.forbidden or []),
        "note": term.note,
        "created_by": person_json(term.created_by),
        "updated_by": person_json(term.updated_by),
        "created_at": iso(term.created_at),
        "updated_at": iso(term.updated_at),
    }


def list_glossary():
    """Glossary terms, of one language pair or side when asked (`source_lang`, `target_lang`)."""
    api_person()
    source_lang, target_lang = query_language("source_lang"), query_language("target_lang")
    number, size = page_args()
    found = queries.page_of(db.session, glossary.terms_select(source_lang, target_lang), number, size)
    return with_link_header(jsonify(page_json(found, [term_json(t) for t in found.items])), found)


def create_glossary_term():
    """An editor adds a term: source and approved target for a language pair."""
    person = api_person()
    glossary.require_editor(person, N_("add"))
    data = glossary.TermInput.parse(GlossaryTermInput.parse(json_object()).given())
    term = glossary.create_term(db.session, person, data)
    db.session.commit()
    response = jsonify(term_json(term))
    response.headers["Location"] = url_for("api.show_glossary_term", term_id=term.id)
    return response, 201


def show_glossary_term(term_id: int):
    """One glossary term."""
    api_person()
    return jsonify(term_json(glossary.get_term(db.session, term_id)))


def update_glossary_term(term_id: int):
    """An editor changes a term (every field is sent again)."""
    person = api_person()
    glossary.require_editor(person, N_("change"))
    data = glossary.TermInput.parse(GlossaryTermInput.parse(json_object()).given())
    term = glossary.update_term(db.session, person, glossary.get_term(db.session, term_id), data)
    db.session.commit()
    return jsonify(term_json(term))


def delete_glossary_term(term_id: int):
    """An editor deletes a term."""
    person = api_person()
    glossary.require_editor(person, N_("delete"))
    glossary.delete_term(db.session, person, glossary.get_term(db.session, term_id))
    db.session.commit()
    return "", 204


#: Media types of the exchange formats.
MEDIA_TYPES = {"tbx": "application/x-tbx+xml", "csv": "text/csv"}


def language_pair(values) -> tuple[str, str]:
    """`source_lang` and `target_lang` from the query or form, both required (400 naming the missing one)."""
    pair = []
    for name in ("source_lang", "target_lang"):
        raw = (values.get(name) or "").strip()
        if not raw:
            raise InvalidInput(
                name,
                N_("Name the pair: '%(name)s' is required (e.g. source_lang=ar&target_lang=en).", name=name),
            )
        pair.append(parse_language(raw, name))
    if pair[0] == pair[1]:
        raise InvalidInput("target_lang", N_("Source and target are the same language; name two."))
    return pair[0], pair[1]


def export_format(values) -> str:
    """`format` (tbx, the default, or csv): 400 for anything else."""
    fmt = (values.get("format") or "tbx").strip().lower()
    if fmt not in MEDIA_TYPES:
        raise InvalidInput("format", N_("Unknown format %(fmt)s; choose tbx or csv.", fmt=repr(fmt)))
    return fmt


def export_glossary():
    """The glossary of one language pair as a TBX-Basic or CSV file."""
    api_person()
    source_lang, target_lang = language_pair(request.args)
    fmt = export_format(request.args)
    document = glossary_exchange.export_terms(db.session, source_lang, target_lang, fmt)
    response = Response(document, mimetype=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="adaptdesk-glossary-{source_lang}-{target_lang}.{fmt}"'
    )
    return response


def import_glossary():
    """An editor imports a TBX or CSV term base into a pair's glossary: new terms are added, the rest counted."""
    person = api_person()
    glossary_exchange.require_importer(person, "a glossary")
    upload = uploaded_file(kinds="a .tbx or .csv file")
    source_lang, target_lang = language_pair(request.form)
    fmt = (request.form.get("format") or "").strip().lower() or None
    result = glossary_exchange.import_terms(
        db.session,
        person,
        upload.stream,
        source_lang=source_lang,
        target_lang=target_lang,
        fmt=fmt,
        filename=upload.filename or "",
    )
    db.session.commit()
    return jsonify(result.as_json())


TERM_ID = ({"name": "term_id", "in": "path", "required": True, "schema": INT},)
#: Query filters by language pair (the memory search takes them too).
PAIR = [
    {
        "name": "source_lang",
        "in": "query",
        "schema": LANGUAGE_CODE,
        "description": "Only this source language.",
    },
    {
        "name": "target_lang",
        "in": "query",
        "schema": LANGUAGE_CODE,
        "description": "Only this target language.",
    },
]
_ONE_LINE = {"type": "string", "minLength": 1, "maxLength": glossary.MAX_TERM_CHARS}

ROUTES = (
    Route(
        "/api/v1/glossary",
        "GET",
        list_glossary,
        op(
            "listGlossary",
            "Glossary terms (everyone signed in)",
            {
                "200": ok(ref("GlossaryList"), "Terms by pair, then source.", headers=PAGE_HEADERS),
                **errors(400, 401),
            },
            tags=["glossary"],
            parameters=[*PAIR, *PAGE_PARAMETERS],
        ),
    ),
    Route(
        "/api/v1/glossary",
        "POST",
        create_glossary_term,
        op(
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
    ),
    Route(
        "/api/v1/glossary/<int:term_id>",
        "GET",
        show_glossary_term,
        op(
            "showGlossaryTerm",
            "One glossary term",
            {"200": ok(ref("GlossaryTerm"), "The term."), **errors(401, 404)},
            tags=["glossary"],
        ),
        TERM_ID,
    ),
    Route(
        "/api/v1/glossary/<int:term_id>",
        "PUT",
        update_glossary_term,
        op(
            "updateGlossaryTerm",
            "Change a glossary term (editors; send every field)",
            {
                "200": ok(ref("GlossaryTerm"), "The changed term."),
                **errors(400, 401, 403, 404, 409, 413, 415),
            },
            tags=["glossary"],
            requestBody=json_body(ref("GlossaryTermInput")),
        ),
        TERM_ID,
    ),
    Route(
        "/api/v1/glossary/<int:term_id>",
        "DELETE",
        delete_glossary_term,
        op(
            "deleteGlossaryTerm",
            "Delete a glossary term (editors)",
            {"204": {"description": "Deleted."}, **errors(401, 403, 404)},
            tags=["glossary"],
        ),
        TERM_ID,
    ),
)

ROUTES += (
    Route(
        "/api/v1/glossary/export",
        "GET",
        export_glossary,
        op(
            "exportGlossary",
            "A language pair's glossary as TBX-Basic or CSV",
            {
                "200": {
                    "description": "TBX-Basic (TBX v3: preferred, admitted and deprecated renderings as "
                    "administrativeStatus) or CSV (columns source_lang, target_lang, source, target, "
                    "alternatives, forbidden, note; lists joined with ' | ').",
                    "content": {
                        MEDIA_TYPES["tbx"]: {"schema": {"type": "string"}},
                        MEDIA_TYPES["csv"]: {"schema": {"type": "string"}},
                    },
                },
                **errors(400, 401),
            },
            tags=["glossary"],
            parameters=[
                *({**p, "required": True} for p in PAIR),
                {
                    "name": "format",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["tbx", "csv"], "default": "tbx"},
                },
            ],
        ),
    ),
    Route(
        "/api/v1/glossary/import",
        "POST",
        import_glossary,
        op(
            "importGlossary",
            "Import a TBX or CSV term base into a pair's glossary (editors and admins)",
            {
                "200": ok(ref("GlossaryImport"), "What was added and what was skipped, and why."),
                **errors(400, 401, 403, 413, 415),
            },
            tags=["glossary"],
            requestBody={
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "file": {
                                    "type": "string",
                                    "format": "binary",
                                    "description": "A .tbx or .csv file.",
                                },
                                "source_lang": LANGUAGE_CODE,
                                "target_lang": LANGUAGE_CODE,
                                "format": {
                                    "type": "string",
                                    "enum": ["tbx", "csv"],
                                    "description": "Default: from the file name, else from its first character.",
                                },
                            },
                            "required": ["file", "source_lang", "target_lang"],
                        }
                    }
                },
            },
            description="Terms whose source the pair already has are skipped (`exists`), never overwritten. "
            "XML that declares entities or refers to external ones is refused (400).",
        ),
    ),
)

SCHEMAS: dict[str, Any] = {
    "GlossaryTerm": obj(
        {
            "id": INT,
            "source_lang": LANGUAGE,
            "target_lang": LANGUAGE,
            "source": TEXT,
            "target": TEXT,
            "alternatives": {"type": "array", "items": TEXT},
            "forbidden": {"type": "array", "items": TEXT},
            "note": TEXT,
            "created_by": nullable(ref("Person")),
            "updated_by": nullable(ref("Person")),
            "created_at": TIME,
            "updated_at": TIME,
        }
    ),
    "GlossaryImport": obj(
        {
            "source_lang": LANGUAGE,
            "target_lang": LANGUAGE,
            "added": INT,
            "skipped": INT,
            "skipped_by_reason": obj(
                {"exists": INT, "incomplete": INT, "invalid": INT, "other_pair": INT},
                description="exists: the pair has the source term already (or the file had it before); "
                "incomplete: no source or no target; invalid: a field the glossary refuses (see problems); "
                "other_pair: a CSV row naming another language pair.",
            ),
            "problems": {"type": "array", "items": TEXT, "description": "The first invalid entries and why."},
        }
    ),
    "GlossaryList": page_schema("GlossaryTerm"),
}
