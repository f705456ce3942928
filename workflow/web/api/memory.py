"""The translation memory through the API: units of published adaptations close to a word or sentence.

URL map:
    GET /api/v1/memory?q=[&source_lang=&target_lang=&limit=]    api.search_memory    everyone signed in
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...extensions import db
from ...services import memory
from .glossary import PAIR
from .inputs import api_person, query_int, query_language, query_text
from .openapi import INT, LANGUAGE, Route, errors, nullable, obj, ok, op, ref, text

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
}
