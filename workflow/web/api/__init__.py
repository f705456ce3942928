"""The JSON API, version 1: one module per resource, each listing its routes with their OpenAPI description.

Every handler runs parse → check access → one service call → one commit → JSON. The blueprint is exempt
from CSRF, so requests that change anything authenticate with a bearer token only (see `inputs.api_person`).
Endpoint names stay `api.<view>` (metrics and dashboards are labelled with them).

URL map: each resource module's docstring; `GET /api/v1/openapi.json` (api.openapi) describes them all.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, has_app_context, jsonify

from ...extensions import csrf
from ...services.inputs import Limits
from ..forms import input_limits
from . import (
    actions,
    adaptations,
    articles,
    audit,
    bodies,
    events,
    glossary,
    health,
    lists,
    me,
    memory,
    notifications,
    published,
    qa,
    reports,
    search,
    tokens,
    versions,
    webhooks,
)
from .openapi import PUBLIC, Route, document, ok, op

#: The API's resources, in the order the document lists them.
RESOURCES = (
    tokens,
    me,
    notifications,
    events,
    articles,
    adaptations,
    versions,
    actions,
    qa,
    lists,
    published,
    glossary,
    memory,
    search,
    reports,
    audit,
    webhooks,
    health,
)


def routes() -> list[Route]:
    """Every route of the API: the resources', and this document's own."""
    return [*ROUTES, *(route for resource in RESOURCES for route in resource.ROUTES)]


def openapi_document(limits: Limits | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route of the API (a fresh copy each call), with the request bodies'
    schemas drawn from the models that check them, at these limits (the serving app's; defaults outside one)."""
    if limits is None:
        limits = input_limits() if has_app_context() else Limits()
    schemas = {name: schema for resource in RESOURCES for name, schema in resource.SCHEMAS.items()}
    return document(routes(), {**schemas, **bodies.schemas(limits)})


def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


ROUTES = (
    Route(
        "/api/v1/openapi.json",
        "GET",
        openapi,
        op(
            "openapi",
            "This document",
            {"200": ok({"type": "object"}, "The OpenAPI document.")},
            tags=["meta"],
            security=PUBLIC,
        ),
    ),
)


def blueprint() -> Blueprint:
    """The `api` blueprint with every resource's routes on it (a fresh one for each app)."""
    bp = Blueprint("api", __name__)
    csrf.exempt(bp)
    registered = set()
    for route in routes():
        if (route.rule, route.method) not in registered:  # one rule may serve several operations
            registered.add((route.rule, route.method))
            bp.add_url_rule(route.rule, view_func=route.view, methods=[route.method])
    return bp
