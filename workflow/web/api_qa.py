"""JSON API routes for qa (attached to the `api` blueprint; documented in OPENAPI_PATHS below)."""

from __future__ import annotations

from typing import Any

from .api import bp  # noqa: F401  (routes attach to the api blueprint)

#: OpenAPI path items this module adds (merged by `openapi.openapi_document`).
OPENAPI_PATHS: dict[str, Any] = {}
#: Component schemas this module adds.
OPENAPI_SCHEMAS: dict[str, Any] = {}
