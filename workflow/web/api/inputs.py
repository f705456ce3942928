"""What an API call sends and who sends it: the caller, the JSON body, query arguments, the records it names.

Requests that change anything authenticate with a bearer token only (the API has no CSRF protection);
reads may also use the login cookie (the newsroom pages poll adaptations for draft progress).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import abort, g, request
from sqlalchemy import select

from ...domain.messages import N_
from ...domain.states import State
from ...extensions import db
from ...models import Adaptation, Article, User
from ...services import adaptations, articles, credentials
from ...services.errors import InvalidInput, NotFound, ServiceError
from ...services.inputs import parse_language, parse_text
from ..access import bearer_token, current_person

#: Methods that change something: bearer token only.
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Ids above this cannot exist (PostgreSQL `integer`); asking the database would fail instead of 404.
MAX_ID = 2**31 - 1
MAX_FILTER_CHARS = 200


def api_person() -> User:
    """The caller: a bearer token for changes, a token or the login cookie for reads; 401 for nobody."""
    token = bearer_token()
    if request.method in CHANGING_METHODS:
        person = credentials.user_for_token(db.session, token) if token else None
        g.person = person
    else:
        person = current_person()
    if person is not None:
        return person
    if token:
        abort(
            401,
            description=N_(
                "The token is not valid, has expired or was revoked; get a new one with POST /api/v1/tokens."
            ),
        )
    if request.method in CHANGING_METHODS:
        abort(
            401,
            description=N_(
                "Send 'Authorization: Bearer TOKEN' to change anything through the API (POST "
                "/api/v1/tokens gives one); the login cookie only allows reading."
            ),
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
                N_("Send the body as JSON with 'Content-Type: application/json'."),
                code="unsupported_media_type",
                status=415,
                details={"field": "body"},
            )
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise InvalidInput(
            "body", N_('The JSON is nested too deeply; send a flat object such as {"title": "…"}.')
        ) from None
    if data is None:
        raise InvalidInput(
            "body", N_('The body is not valid JSON; send a JSON object such as {"title": "…"}.')
        )
    if not isinstance(data, dict):
        raise InvalidInput(
            "body", N_("The body must be a JSON object ({…}), not a %(name)s.", name=type(data).__name__)
        )
    return data


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
            name,
            N_(
                "'%(name)s' must be at most %(max_filter_chars)s characters, without control characters.",
                name=name,
                max_filter_chars=MAX_FILTER_CHARS,
            ),
        )
    return value


def query_int(name: str, default: int, low: int, high: int) -> int:
    """A whole number from the query string within [low, high]: 400 naming it otherwise."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidInput(
            name,
            N_("'%(name)s' must be a whole number from %(low)s to %(high)s.", name=name, low=low, high=high),
        )
    return int(raw)


def query_flag(name: str) -> bool:
    """A yes/no switch from the query string (1/0, true/false, yes/no)."""
    raw = request.args.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise InvalidInput(name, N_("'%(name)s' must be 1 or 0.", name=name))


def query_states(name: str = "state") -> list[str]:
    """States from a comma-separated list, checked against the workflow's states (400 naming the unknown)."""
    values = [v.strip().lower() for v in request.args.get(name, "").split(",") if v.strip()]
    known = {s.value for s in State}
    unknown = [v for v in values if v not in known]
    if unknown:
        states = ", ".join(s.value for s in State)
        raise InvalidInput(
            name,
            N_("Unknown state %(unknown)s. States are: %(states)s.", unknown=repr(unknown[0]), states=states),
        )
    return list(dict.fromkeys(values))


def query_language(name: str = "language") -> str | None:
    """A language code from the query string (None when not given); 400 naming it when unknown."""
    raw = request.args.get(name, "").strip()
    return parse_language(raw, name) if raw else None


def load_adaptation(person: User | None, adaptation_id: int, *, for_update: bool = False) -> Adaptation:
    """The adaptation if the caller may see it (locked for the request when `for_update`), else 404."""
    if adaptation_id > MAX_ID:
        raise NotFound(N_("No adaptation %(adaptation_id)s.", adaptation_id=adaptation_id))
    return adaptations.get_adaptation(db.session, person, adaptation_id, for_update=for_update)


def load_article(person: User, article_id: int, *, for_update: bool = False) -> Article:
    """The original if the caller may see it (its row locked for the request when `for_update`), else 404."""
    if article_id > MAX_ID:
        raise NotFound(N_("No article %(article_id)s.", article_id=article_id))
    if for_update:
        db.session.execute(select(Article.id).where(Article.id == article_id).with_for_update())
    return articles.get_article(db.session, person, article_id)
