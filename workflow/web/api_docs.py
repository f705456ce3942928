"""The interactive description of the JSON API: Swagger UI, served from a vendored copy, on /api/v1/openapi.json.

URL map:
    GET /api/docs    api_docs.page    everyone (the OpenAPI document it reads is public too)
"""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def page():
    """The API's operations, schemas and examples, to read and try (with a token from POST /api/v1/tokens)."""
    return render_template("api_docs.html")
