"""Originals through the API: submitting, reading and revising them.

URL map:
    GET  /api/v1/articles[?page=&per_page=]  api.list_articles  reporters (their own), editors (all)
    POST /api/v1/articles           api.create_article   reporters
    GET  /api/v1/articles/<id>      api.show_article     whoever may see the original
    PUT  /api/v1/articles/<id>      api.revise_article   its reporter, until an adaptation is published
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from ...domain.messages import N_
from ...domain.rules import can_list_all_articles, can_list_own_articles
from ...extensions import db
from ...services import articles, queries
from ...services.errors import NotAllowed
from ...services.inputs import ArticleInput
from ..forms import input_limits
from ..paging import page_args, page_json, with_link_header
from .bodies import article_input, article_revision_input
from .inputs import api_person, json_object, load_article
from .openapi import (
    ARTICLE_ID,
    DIRECTION,
    INT,
    JSON,
    LANGUAGE,
    PAGE_HEADERS,
    PAGE_PARAMETERS,
    TAGS,
    TEXT,
    TIME,
    URL,
    Route,
    action_operation_id,
    errors,
    json_body,
    link,
    nullable,
    obj,
    ok,
    op,
    page_schema,
    ref,
)
from .presenters import article_json

IDEMPOTENCY_KEY = "Idempotency-Key"


def list_articles():
    """Originals, newest first, a page at a time: a reporter's own, or everyone's for an editor."""
    person = api_person()
    number, size = page_args()
    if can_list_all_articles(person.actor):
        stmt = queries.articles_select()
    elif can_list_own_articles(person.actor):
        stmt = queries.articles_select(person.id)
    else:
        raise NotAllowed(
            N_(
                "Originals are listed for their reporters and for editors; adaptors find work under GET "
                "/api/v1/queue."
            )
        )
    found = queries.page_of(db.session, stmt, number, size)
    return with_link_header(jsonify(page_json(found, [article_json(a) for a in found.items])), found)


def create_article():
    """A reporter submits an original; one adaptation per target language is opened. With an
    `Idempotency-Key`, sending the same again within a day gives back the same original."""
    person = api_person()
    sent = json_object()
    limits = input_limits()
    data = ArticleInput.parse(article_input(limits).parse(sent).given(), limits)
    key = articles.parse_submission_key(request.headers.get(IDEMPOTENCY_KEY), IDEMPOTENCY_KEY)
    replayed = False
    if key is None:
        article = articles.submit_article(db.session, person, data)
    else:
        article, replayed = articles.submit_article_once(
            db.session, person, data, key=key, fingerprint=articles.fingerprint(sent)
        )
    db.session.commit()
    response = jsonify(article_json(article))
    response.headers["Location"] = url_for("api.show_article", article_id=article.id)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 200 if replayed else 201


def show_article(article_id: int):
    """An original with its revisions and adaptations."""
    person = api_person()
    return jsonify(article_json(load_article(person, article_id)))


def revise_article(article_id: int):
    """The reporter adds a revision (new title and/or body); drafts are redone."""
    person = api_person()
    limits = input_limits()
    data = article_revision_input(limits).parse(json_object()).given()
    note = data.pop("note", None) or ""
    article = load_article(person, article_id, for_update=True)
    articles.revise_article(db.session, person, article, data, limits, note=note)
    db.session.commit()
    return jsonify(article_json(article))


ROUTES = (
    Route(
        "/api/v1/articles",
        "GET",
        list_articles,
        op(
            "listArticles",
            "Originals, newest first: a reporter's own, every original for an editor",
            {
                "200": ok(ref("Articles"), "A page of originals.", headers=PAGE_HEADERS),
                **errors(400, 401, 403),
            },
            tags=["originals"],
            parameters=PAGE_PARAMETERS,
        ),
    ),
    Route(
        "/api/v1/articles",
        "POST",
        create_article,
        op(
            "createArticle",
            "Submit an original (reporters)",
            {
                "201": ok(
                    ref("Article"),
                    "The original with one adaptation per target language.",
                    headers={"Location": {"description": "The original's address.", "schema": TEXT}},
                    links={
                        "ClaimFirstAdaptation": link(
                            action_operation_id("claim"),
                            "An adaptor claims the first adaptation opened (once its machine draft is ready).",
                            adaptation_id="$response.body#/adaptations/0/id",
                        ),
                        "ShowFirstAdaptation": link(
                            "showAdaptation",
                            "The first adaptation opened.",
                            adaptation_id="$response.body#/adaptations/0/id",
                        ),
                        "ShowArticle": link("showArticle", "The original.", article_id="$response.body#/id"),
                    },
                ),
                "200": ok(
                    ref("Article"),
                    "Sent again with the same Idempotency-Key within 24 hours: the original the key made.",
                    headers={
                        "Location": {"description": "The original's address.", "schema": TEXT},
                        "Idempotent-Replayed": {"description": "`true`.", "schema": TEXT},
                    },
                ),
                **errors(400, 401, 403, 409, 413, 415),
                "422": {
                    "description": "The Idempotency-Key was used, within 24 hours, for a different body "
                    "(`idempotency_key_reused`, with `article_id`).",
                    "content": {JSON: {"schema": ref("Error")}},
                },
            },
            tags=["originals"],
            requestBody=json_body(ref("ArticleInput")),
            parameters=[
                {
                    "name": IDEMPOTENCY_KEY,
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
                    "description": "Any unique string (a UUID): the same key from the same person within 24 "
                    "hours returns the same original (200, `Idempotent-Replayed: true`) instead of a "
                    "second one; with a different body it answers 422 `idempotency_key_reused`.",
                }
            ],
        ),
    ),
    Route(
        "/api/v1/articles/<int:article_id>",
        "GET",
        show_article,
        op(
            "showArticle",
            "An original with revisions and adaptations",
            {"200": ok(ref("Article"), "The original."), **errors(401, 404)},
            tags=["originals"],
        ),
        ARTICLE_ID,
    ),
    Route(
        "/api/v1/articles/<int:article_id>",
        "PUT",
        revise_article,
        op(
            "reviseArticle",
            "Add a revision to an original (its reporter, until published)",
            {
                "200": ok(ref("Article"), "The original with its new revision."),
                **errors(400, 401, 403, 404, 413, 415),
            },
            tags=["originals"],
            requestBody=json_body(ref("ArticleRevisionInput")),
        ),
        ARTICLE_ID,
    ),
)

SCHEMAS: dict[str, Any] = {
    "Revision": obj({"number": INT, "title": TEXT, "note": TEXT, "at": TIME, "author": ref("Person")}),
    "ArticleAdaptation": obj({"id": INT, "language": LANGUAGE, "state": ref("State"), "url": nullable(URL)}),
    "Article": obj(
        {
            "id": INT,
            "title": TEXT,
            "body": TEXT,
            "language": LANGUAGE,
            "direction": DIRECTION,
            "section": TEXT,
            "tags": TAGS,
            "reporter": ref("Person"),
            "revision": {"type": "integer", "description": "Number of the newest revision."},
            "revisions": {"type": "array", "items": ref("Revision")},
            "adaptations": {"type": "array", "items": ref("ArticleAdaptation")},
            "created_at": TIME,
            "updated_at": TIME,
        }
    ),
    "Articles": page_schema("Article"),
}
