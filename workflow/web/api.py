"""The JSON API, version 1: tokens, originals, adaptations and their workflow actions, work lists, health.

Every handler runs parse → check access → one service call → one commit → JSON. The blueprint is
exempt from CSRF, so requests that change anything authenticate with a bearer token only; reads may
also use the login cookie (the newsroom pages poll adaptations for draft progress).

URL map (the OpenAPI document at /api/v1/openapi.json describes each in full):
    POST   /api/v1/tokens                                      api.create_token
    DELETE /api/v1/tokens/current                              api.revoke_current_token
    GET    /api/v1/me                                          api.show_me
    POST   /api/v1/articles                                    api.create_article
    GET    /api/v1/articles/<id>                               api.show_article
    PUT    /api/v1/articles/<id>                               api.revise_article
    GET    /api/v1/adaptations/<id>                            api.show_adaptation
    GET    /api/v1/adaptations/<id>/progress                   api.show_progress
    PUT    /api/v1/adaptations/<id>                            api.save_adaptation
    POST   /api/v1/adaptations/<id>/actions/<action>           api.take_action
    POST   /api/v1/adaptations/<id>/acknowledge-source         api.acknowledge_source
    GET    /api/v1/queue                                       api.work_queue
    GET    /api/v1/published                                   api.published
    GET    /api/v1/openapi.json                                api.openapi
    GET    /healthz                                            api.healthz
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from ..domain.rules import Actor
from ..domain.states import ACTIONS, FINAL_STATES, Role, State
from ..extensions import csrf, db, limiter
from ..models import Adaptation, ApiToken, Article, User
from ..services import adaptations, articles, effort, queries, users
from ..services.errors import InvalidInput, NotAllowed, NotFound, ServiceError
from ..services.inputs import (
    ArticleInput,
    Limits,
    parse_body,
    parse_comment,
    parse_datetime,
    parse_language,
    parse_text,
    parse_title,
    parse_version,
)
from . import presenters
from .access import bearer_token, current_person
from .openapi import openapi_document

bp = Blueprint("api", __name__)
csrf.exempt(bp)

V1 = "/api/v1"
#: Methods that change something: bearer token only (the blueprint has no CSRF protection).
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Ids above this cannot exist (PostgreSQL `integer`); asking the database would fail instead of 404.
MAX_ID = 2**31 - 1
MAX_QUEUE = 200
DEFAULT_PAGE, MAX_PAGE, MAX_OFFSET = 20, 100, 100_000
MAX_FILTER_CHARS = 200


# --- who is asking, and what they sent ---------------------------------------------------------------


def api_person() -> User:
    """The caller: a bearer token for changes, a token or the login cookie for reads; 401 for nobody."""
    token = bearer_token()
    if request.method in CHANGING_METHODS:
        person = users.user_for_token(db.session, token) if token else None
        g.person = person
    else:
        person = current_person()
    if person is not None:
        return person
    if token:
        abort(
            401, description="The token is not valid or was revoked; get a new one with POST /api/v1/tokens."
        )
    if request.method in CHANGING_METHODS:
        abort(
            401,
            description="Send 'Authorization: Bearer TOKEN' to change anything through the API "
            "(POST /api/v1/tokens gives one); the login cookie only allows reading.",
        )
    abort(401)


def json_object(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object (`{}` for no body when `optional`); 413, 415 or 400 naming `body`."""
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    has_body = bool(request.content_length) or chunked
    if not has_body and optional:
        return {}
    if has_body:
        request.get_data(cache=True)  # reads at most MAX_CONTENT_LENGTH bytes; 413 beyond
        if not request.is_json:
            raise ServiceError(
                "Send the body as JSON with 'Content-Type: application/json'.",
                code="unsupported_media_type",
                status=415,
                details={"field": "body"},
            )
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise InvalidInput(
            "body", 'The JSON is nested too deeply; send a flat object such as {"title": "…"}.'
        ) from None
    if data is None:
        raise InvalidInput("body", 'The body is not valid JSON; send a JSON object such as {"title": "…"}.')
    if not isinstance(data, dict):
        raise InvalidInput("body", f"The body must be a JSON object ({{…}}), not a {type(data).__name__}.")
    return data


def limits() -> Limits:
    """Input limits from the app's settings."""
    return Limits.from_settings(current_app.config["ADAPTDESK"])


def text_field(data: dict[str, Any], field: str, *, required: bool = True) -> str | None:
    """A text field of the body: 400 naming it when missing (if required) or not text."""
    return parse_text(data, field, required=required, default=None)


def query_text(name: str) -> str | None:
    """A free-text filter from the query string (section, tag): 400 when it holds control characters."""
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    if len(value) > MAX_FILTER_CHARS or any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InvalidInput(
            name, f"'{name}' must be at most {MAX_FILTER_CHARS} characters, without control characters."
        )
    return value


def query_int(name: str, default: int, low: int, high: int) -> int:
    """A whole number from the query string within [low, high]: 400 naming it otherwise."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidInput(name, f"'{name}' must be a whole number from {low} to {high}.")
    return int(raw)


def query_flag(name: str) -> bool:
    """A yes/no switch from the query string (1/0, true/false, yes/no)."""
    raw = request.args.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise InvalidInput(name, f"'{name}' must be 1 or 0.")


def query_states(name: str = "state") -> list[str]:
    """States from a comma-separated list, checked against the workflow's states (400 naming the unknown)."""
    values = [v.strip().lower() for v in request.args.get(name, "").split(",") if v.strip()]
    known = {s.value for s in State}
    unknown = [v for v in values if v not in known]
    if unknown:
        states = ", ".join(s.value for s in State)
        raise InvalidInput(name, f"Unknown state {unknown[0]!r}. States are: {states}.")
    return list(dict.fromkeys(values))


def load_adaptation(person: User | None, adaptation_id: int, *, for_update: bool = False) -> Adaptation:
    """The adaptation if the caller may see it (locked for the request when `for_update`), else 404."""
    if adaptation_id > MAX_ID:
        raise NotFound(f"No adaptation {adaptation_id}.")
    return adaptations.get_adaptation(db.session, person, adaptation_id, for_update=for_update)


def load_article(person: User, article_id: int, *, for_update: bool = False) -> Article:
    """The original if the caller may see it (its row locked for the request when `for_update`), else 404."""
    if article_id > MAX_ID:
        raise NotFound(f"No article {article_id}.")
    if for_update:
        db.session.execute(select(Article.id).where(Article.id == article_id).with_for_update())
    return articles.get_article(db.session, person, article_id)


def can_view_work_queue(actor: Actor) -> bool:
    """Whether the actor may list work in progress (adaptors and editors)."""
    return actor.has(Role.ADAPTOR) or actor.has(Role.EDITOR)


def adaptation_response(adaptation: Adaptation, person: User | None, status: int = 200):
    """The adaptation as JSON, as the caller may act on it."""
    return jsonify(presenters.adaptation_json(db.session, adaptation, person)), status


# --- tokens and the caller ---------------------------------------------------------------------------


@bp.post(f"{V1}/tokens")
@limiter.limit(
    "10 per minute",
    deduct_when=lambda response: response.status_code != 201,
    error_message="Too many failed attempts; wait a minute and try again.",
)
def create_token():
    """Exchange a username and password for a bearer token (shown once)."""
    data = json_object()
    username = text_field(data, "username")
    password = text_field(data, "password")
    label = text_field(data, "label", required=False) or "api"
    person = users.authenticate(db.session, username, password)
    if person is None:
        raise ServiceError("Wrong username or password.", code="invalid_credentials", status=401)
    token = users.issue_token(db.session, person, label)
    db.session.commit()
    return jsonify({"token": token, "token_type": "Bearer", "username": person.username}), 201


@bp.delete(f"{V1}/tokens/current")
def revoke_current_token():
    """Revoke the token this request was made with."""
    person = api_person()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(bearer_token())))
    users.revoke_token(db.session, person, row.id)
    db.session.commit()
    return "", 204


@bp.get(f"{V1}/me")
def show_me():
    """Who the caller is and which roles they hold."""
    return jsonify(presenters.me_json(api_person()))


# --- originals -----------------------------------------------------------------------------------------


@bp.post(f"{V1}/articles")
def create_article():
    """A reporter submits an original; one adaptation per target language is opened."""
    person = api_person()
    data = ArticleInput.parse(json_object(), limits())
    article = articles.submit_article(db.session, person, data)
    db.session.commit()
    response = jsonify(presenters.article_json(article))
    response.headers["Location"] = url_for("api.show_article", article_id=article.id)
    return response, 201


@bp.get(f"{V1}/articles/<int:article_id>")
def show_article(article_id: int):
    """An original with its revisions and adaptations."""
    person = api_person()
    return jsonify(presenters.article_json(load_article(person, article_id)))


@bp.put(f"{V1}/articles/<int:article_id>")
def revise_article(article_id: int):
    """The reporter adds a revision (new title and/or body); drafts are redone."""
    person = api_person()
    data = json_object()
    note = text_field(data, "note", required=False) or ""
    article = load_article(person, article_id, for_update=True)
    articles.revise_article(db.session, person, article, data, limits(), note=note)
    db.session.commit()
    return jsonify(presenters.article_json(article))


# --- adaptations -------------------------------------------------------------------------------------


@bp.get(f"{V1}/adaptations/<int:adaptation_id>")
def show_adaptation(adaptation_id: int):
    """One adaptation: text, draft progress, credits, history and what the caller may do now."""
    person = api_person()
    return adaptation_response(load_adaptation(person, adaptation_id), person)


@bp.get(f"{V1}/adaptations/<int:adaptation_id>/progress")
def show_progress(adaptation_id: int):
    """Where the adaptation and its draft stand, without the text, memory matches or QA: for polling pages."""
    person = api_person()
    return jsonify(presenters.progress_json(load_adaptation(person, adaptation_id)))


@bp.put(f"{V1}/adaptations/<int:adaptation_id>")
def save_adaptation(adaptation_id: int):
    """Save the adaptation's title and body, based on the `version` last read (409 with both texts if not)."""
    person = api_person()
    data = json_object()
    title = text_field(data, "title")
    text_field(data, "body")
    if title.strip():
        title = parse_title(data, limits())
    body = parse_body(data, limits(), required=False)
    version = parse_version(data)
    active_seconds = effort.parse_active_seconds(data.get("active_seconds"), allow_text=False)
    adaptation = load_adaptation(person, adaptation_id, for_update=True)
    adaptations.save_adaptation(
        db.session, person, adaptation, title=title.strip(), body=body, version=version, limits=limits()
    )
    if active_seconds:
        effort.record_editing_time(db.session, person, adaptation, active_seconds)
    db.session.commit()
    return adaptation_response(adaptation, person)


@bp.post(f"{V1}/adaptations/<int:adaptation_id>/actions/<action>")
def take_action(adaptation_id: int, action: str):
    """Take one workflow action (claim, release, reassign, submit, request-changes, approve, …)."""
    person = api_person()
    if action not in ACTIONS:
        raise NotFound(f"Unknown action {action!r}. Actions are: {', '.join(ACTIONS)}.")
    data = json_object(optional=True)
    comment = parse_comment(data, limits())
    assignee = text_field(data, "assignee", required=False)
    publish_at = parse_datetime(data.get("publish_at"), "publish_at")
    # An editor's decision must name the version they read, so nothing unseen is approved.
    decides = action in ("approve", "reject", "request-changes")
    version = parse_version(data) if decides or data.get("version") is not None else None
    adaptation = load_adaptation(person, adaptation_id, for_update=True)
    adaptations.perform_action(
        db.session,
        person,
        adaptation,
        action,
        comment=comment,
        assignee=assignee,
        publish_at=publish_at,
        version=version,
    )
    db.session.commit()
    return adaptation_response(adaptation, person)


@bp.post(f"{V1}/adaptations/<int:adaptation_id>/acknowledge-source")
def acknowledge_source(adaptation_id: int):
    """Mark that the adaptation now follows the newest revision of the original."""
    person = api_person()
    json_object(optional=True)
    adaptation = load_adaptation(person, adaptation_id, for_update=True)
    adaptations.acknowledge_source_change(db.session, person, adaptation)
    db.session.commit()
    return adaptation_response(adaptation, person)


# --- lists -------------------------------------------------------------------------------------------


@bp.get(f"{V1}/queue")
def work_queue():
    """Work lists for adaptors and editors: adaptations by state, language and holder, oldest first."""
    person = api_person()
    states = query_states() or [s.value for s in State if s not in FINAL_STATES]
    raw_language = request.args.get("language", "").strip()
    language = parse_language(raw_language, "language") if raw_language else None
    mine = query_flag("mine")
    limit = query_int("limit", MAX_QUEUE, 1, MAX_QUEUE)
    if not can_view_work_queue(person.actor):
        raise NotAllowed(
            "The work queue is for adaptors and editors; reporters find their originals "
            "under GET /api/v1/articles/{id}."
        )
    found = queries.work_queue(
        db.session, states=states, language=language, holder_id=person.id if mine else None, limit=limit
    )
    return jsonify({"items": presenters.queue_json(db.session, found), "count": len(found)})


@bp.get(f"{V1}/published")
def published():
    """Published adaptations, newest first, by section, tag and language (public, no token needed)."""
    section, tag = query_text("section"), query_text("tag")
    raw_language = request.args.get("language", "").strip()
    language = parse_language(raw_language, "language") if raw_language else None
    limit = query_int("limit", DEFAULT_PAGE, 1, MAX_PAGE)
    offset = query_int("offset", 0, 0, MAX_OFFSET)
    found = queries.published(
        db.session, section=section, tag=tag, language=language, limit=limit, offset=offset
    )
    return jsonify({"items": presenters.published_json(db.session, found), "limit": limit, "offset": offset})


# --- description and health --------------------------------------------------------------------------


@bp.get(f"{V1}/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz():
    """200 when the database answers `SELECT 1`, 503 with the reason when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("health check: database unavailable: %s", exc)
        reason = type(getattr(exc, "orig", None) or exc).__name__
        return jsonify({"status": "error", "database": f"unavailable ({reason})"}), 503
    return jsonify({"status": "ok", "database": "ok"})


# Routes of the assistance features live in their own modules, on this blueprint.
from . import api_memory, api_qa, api_reports  # noqa: E402, F401
