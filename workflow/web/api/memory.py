"""The translation memory through the API: units of published adaptations close to a word or sentence.

URL map:
    GET  /api/v1/memory?q=[&source_lang=&target_lang=&limit=]    api.search_memory    everyone signed in
    GET  /api/v1/memory/export?source_lang=&target_lang=         api.export_memory    everyone signed in (TMX)
    POST /api/v1/memory/import (multipart: file[, source_lang,   api.import_memory    editors and admins
         target_lang])
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any

from flask import Response, jsonify, request, stream_with_context

from ...extensions import db
from ...services import memory, memory_exchange
from ...services.inputs import parse_language
from ..uploads import uploaded_file
from .glossary import PAIR, language_pair
from .inputs import api_person, query_int, query_language, query_text
from .openapi import INT, LANGUAGE, LANGUAGE_CODE, Route, errors, nullable, obj, ok, op, ref, text

#: The media type TMX files are sent as.
TMX = "application/x-tmx+xml"

MAX_MEMORY_RESULTS = 100


def search_memory():
    """Memory units whose source or target is close to `q`, best first."""
    api_person()
    query = query_text("q") or ""
    source_lang, target_lang = query_language("source_lang"), query_language("target_lang")
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


def tool_version() -> str:
    """Adaptdesk's version, as exports name the tool that wrote them."""
    try:
        return package_version("adaptdesk")
    except PackageNotFoundError:
        return "unknown"


def export_memory():
    """The memory of one language pair as a TMX 1.4b file, streamed as it is read."""
    api_person()
    source_lang, target_lang = language_pair(request.args)
    chunks = memory_exchange.export_tmx(db.session, source_lang, target_lang, tool_version=tool_version())
    response = Response(stream_with_context(chunks), mimetype=TMX)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="adaptdesk-memory-{source_lang}-{target_lang}.tmx"'
    )
    return response


def import_memory():
    """An editor imports a TMX file: units new to the pair are added; the counts say what was skipped."""
    person = api_person()
    memory_exchange.require_importer(person, "a translation memory")
    upload = uploaded_file(kinds="a .tmx file")
    source_lang = query_language_field("source_lang")
    target_lang = query_language_field("target_lang")
    result = memory_exchange.import_tmx(
        db.session,
        person,
        upload.stream,
        source_lang=source_lang,
        target_lang=target_lang,
        filename=upload.filename or "",
    )
    db.session.commit()
    return jsonify(result.as_json())


def query_language_field(name: str) -> str | None:
    """An optional language code from the form (or the query string): None when not given."""
    raw = (request.form.get(name) or request.args.get(name) or "").strip()
    return parse_language(raw, name) if raw else None


ROUTES = (
    Route(
        "/api/v1/memory",
        "GET",
        search_memory,
        op(
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
                *PAIR,
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_MEMORY_RESULTS, "default": 20},
                },
            ],
        ),
    ),
    Route(
        "/api/v1/memory/export",
        "GET",
        export_memory,
        op(
            "exportMemory",
            "The memory of a language pair as TMX 1.4b",
            {
                "200": {
                    "description": "A TMX 1.4b file (streamed), oldest unit first; each unit carries its "
                    "origin (published or imported) and alignment score as `prop`s.",
                    "content": {TMX: {"schema": {"type": "string"}}},
                },
                **errors(400, 401),
            },
            tags=["memory"],
            parameters=[{**p, "required": True} for p in PAIR],
        ),
    ),
    Route(
        "/api/v1/memory/import",
        "POST",
        import_memory,
        op(
            "importMemory",
            "Import a TMX file into the memory (editors and admins)",
            {
                "200": ok(ref("MemoryImport"), "What was added and what was skipped, and why."),
                **errors(400, 401, 403, 413, 415),
            },
            tags=["memory"],
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
                                    "description": "A TMX 1.4 file.",
                                },
                                "source_lang": {
                                    **LANGUAGE_CODE,
                                    "description": "Default: the header's srclang.",
                                },
                                "target_lang": {
                                    **LANGUAGE_CODE,
                                    "description": "Default: the other language of the units.",
                                },
                            },
                            "required": ["file"],
                        }
                    }
                },
            },
            description="Units whose source (folded as the memory compares it) and target the pair already "
            "holds are skipped, as are units lacking a side. XML that declares entities or refers to "
            "external ones is refused (400). Files up to ADAPTDESK_MAX_IMPORT_BYTES.",
        ),
    ),
)

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

SCHEMAS: dict[str, Any] = {
    "MemoryMatch": obj(_MATCH, description="A translation-memory unit close to a segment."),
    "MemoryResult": obj(
        {**_MATCH, "adaptation_id": nullable(INT), "source_lang": LANGUAGE, "target_lang": LANGUAGE}
    ),
    "MemoryResults": obj({"items": {"type": "array", "items": ref("MemoryResult")}, "count": INT}),
    "MemoryImport": obj(
        {
            "source_lang": LANGUAGE,
            "target_lang": LANGUAGE,
            "added": INT,
            "skipped": INT,
            "skipped_by_reason": obj(
                {"duplicate": INT, "missing_language": INT, "empty": INT, "too_long": INT},
                description="duplicate: already in the memory or earlier in the file; missing_language: "
                "a unit without one side of the pair; empty: no text; too_long: over 5000 characters.",
            ),
        }
    ),
}
