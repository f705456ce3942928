"""Archive search through the API: originals and adaptations by words, state, language and dates.

URL map:
    GET /api/v1/search?q=[&state=&language=&kind=&from=&to=&page=&per_page=]    api.search_archive    signed in
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from ...domain.messages import N_
from ...extensions import db
from ...models import SearchKind
from ...services import search
from ...services.errors import InvalidInput
from .inputs import api_person, query_int, query_language, query_states
from .openapi import INT, LANGUAGE, STATES, TEXT, TIME, Route, errors, nullable, obj, ok, op, ref

DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 20, 100, 1000
DESK_KINDS = [SearchKind.ORIGINAL.value, SearchKind.ADAPTATION.value]


def _kind() -> str | None:
    raw = request.args.get("kind", "").strip()
    if raw and raw not in DESK_KINDS:
        raise InvalidInput("kind", N_("'kind' must be one of: %(choices)s.", choices=", ".join(DESK_KINDS)))
    return raw or None


def _link_header(page: int, per_page: int, total: int) -> str:
    """RFC 8288 links to the neighbouring pages (same arguments, another page)."""
    args = {k: v for k, v in request.args.items() if k != "page"}
    links = []
    if page * per_page < total:
        links.append(f'<{url_for("api.search_archive", **args, page=page + 1)}>; rel="next"')
    if page > 1:
        links.append(f'<{url_for("api.search_archive", **args, page=page - 1)}>; rel="prev"')
    return ", ".join(links)


def search_archive():
    """Originals and adaptations matching every word of `q`, best first, a page at a time (with the total)."""
    person = api_person()
    query = search.parse_query(request.args.get("q"))
    filters = search.SearchFilters(
        states=tuple(query_states()),
        language=query_language(),
        date_from=search.parse_date(request.args.get("from"), "from"),
        date_to=search.parse_date(request.args.get("to"), "to"),
        kind=_kind(),
    )
    page = query_int("page", 1, 1, MAX_PAGE)
    per_page = query_int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    found = search.search_desk(db.session, person, query, filters, page=page, per_page=per_page)
    response = jsonify(
        {
            "items": [hit.as_json() for hit in found.hits],
            "total": found.total,
            "page": found.page,
            "per_page": found.per_page,
        }
    )
    links = _link_header(page, per_page, found.total)
    if links:
        response.headers["Link"] = links
    return response


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description, **extra}


ROUTES = (
    Route(
        "/api/v1/search",
        "GET",
        search_archive,
        op(
            "searchArchive",
            "Search originals and adaptations",
            {
                "200": ok(
                    ref("SearchResults"),
                    "Matches best first; `Link` gives the next and previous pages.",
                    headers={"Link": {"schema": TEXT, "description": 'rel="next" and rel="prev" pages.'}},
                ),
                **errors(400, 401),
            },
            tags=["search"],
            description="Every word of `q` must match the title, text, tags or people (Arabic marks, tatweel "
            "and letter variants folded; English stemmed). Reporters find their own originals and their "
            "adaptations; adaptors and editors find everything they may open.",
            parameters=[
                _query("q", {"type": "string", "maxLength": 200}, "Words to find.", required=True),
                _query("state", TEXT, "Comma-separated adaptation states (originals have none)."),
                {"$ref": "#/components/parameters/LanguageFilter"},
                _query(
                    "kind", {"type": "string", "enum": DESK_KINDS}, "Only originals, or only adaptations."
                ),
                _query("from", {"type": "string", "format": "date"}, "Changed on or after this day (UTC)."),
                _query("to", {"type": "string", "format": "date"}, "Changed on or before this day (UTC)."),
                _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page."),
                _query(
                    "per_page",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
                    "Results per page.",
                ),
            ],
        ),
    ),
)

SCHEMAS: dict[str, Any] = {
    "SearchHit": obj(
        {
            "kind": {"type": "string", "enum": DESK_KINDS},
            "article_id": INT,
            "adaptation_id": nullable(INT),
            "language": LANGUAGE,
            "state": nullable({"type": "string", "enum": STATES}),
            "title": TEXT,
            "snippet_html": {
                "type": "string",
                "description": "Part of the text, HTML-escaped, each matched word in <mark>…</mark>.",
            },
            "dated_at": {**TIME, "description": "When it last changed."},
        }
    ),
    "SearchResults": obj(
        {"items": {"type": "array", "items": ref("SearchHit")}, "total": INT, "page": INT, "per_page": INT}
    ),
}
